// Callbacks: order, halting with abort(), after_*_commit only after the outermost commit,
// nothing on rollback; broadcastsTo sends turbo-stream HTML after commit.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { boot, broadcasts } from "./support.mjs";

let q, Note, calls;
before(async () => {
  ({ q } = await boot());
  new q.Migration().createTable("notes", (t) => { t.string("title"); t.timestamps(); });
  calls = [];
  Note = class Note extends q.ApplicationRecord {};
  for (const k of ["beforeValidation", "afterValidation", "beforeSave", "beforeCreate", "afterCreate", "afterSave", "afterCreateCommit", "afterCommit",
    "beforeUpdate", "afterUpdate", "afterUpdateCommit", "beforeDestroy", "afterDestroy", "afterDestroyCommit", "afterRollback"]) {
    Note[k](function () { calls.push(k); });
  }
  Note.beforeSave(function () { if (this.title === "halt") q.abort(); });
  // broadcasts render through the application the model is registered with: here a stand-in
  // with a tiny Views registry holding the partial
  const views = new q.Views();
  views.add("notes/_note", '<div id="<%= domId(note) %>"><%= note.title %></div>');
  Note.register({ appName: "Quickrail", models: { Note }, renderPartial: (partial, locals) => views.renderPartialStandalone(partial, locals, null) });
});

describe("callbacks", () => {
  it("run in Rails' order on create, update and destroy", () => {
    calls.length = 0;
    const n = Note.create({ title: "x" });
    assert.deepEqual(calls, ["beforeValidation", "afterValidation", "beforeSave", "beforeCreate", "afterCreate", "afterSave", "afterCreateCommit", "afterCommit"]);
    calls.length = 0;
    n.update({ title: "y" });
    assert.deepEqual(calls, ["beforeValidation", "afterValidation", "beforeSave", "beforeUpdate", "afterUpdate", "afterSave", "afterUpdateCommit", "afterCommit"]);
    calls.length = 0;
    n.destroy();
    assert.deepEqual(calls, ["beforeDestroy", "afterDestroy", "afterDestroyCommit", "afterCommit"]);
  });

  it("abort() in a before callback halts the save", () => {
    calls.length = 0;
    const n = Note.create({ title: "halt" });
    assert.equal(n.isNewRecord(), true);
    assert.equal(Note.where({ title: "halt" }).count(), 0);
    assert.ok(!calls.includes("afterSave"));
  });

  it("after_commit waits for the outermost transaction and is dropped on rollback", () => {
    calls.length = 0;
    q.transaction(() => {
      Note.create({ title: "inner" });
      assert.ok(!calls.includes("afterCreateCommit"), "commit callbacks must wait for the outer commit");
    });
    assert.ok(calls.includes("afterCreateCommit"));
    calls.length = 0;
    assert.throws(() => q.transaction(() => { Note.create({ title: "rolled" }); throw new Error("no"); }));
    assert.ok(!calls.includes("afterCreateCommit"));
    assert.ok(calls.includes("afterRollback"));
    assert.equal(Note.where({ title: "rolled" }).count(), 0);
  });
});

describe("broadcasts", () => {
  it("broadcastsTo prepends on create, replaces on update, removes on destroy — after commit", () => {
    const Item = class Note2 extends Note {};
    Note.broadcastsTo(() => "notes", { insertsBy: "prepend" });
    broadcasts.length = 0;
    let n;
    q.transaction(() => {
      n = Note.create({ title: "live <b>" });
      assert.equal(broadcasts.length, 0, "nothing is broadcast before commit");
    });
    assert.equal(broadcasts.length, 1);
    assert.equal(broadcasts[0].stream, "notes");
    assert.equal(broadcasts[0].message, '<turbo-stream action="prepend" target="notes"><template><div id="note_' + n.id + '">live &lt;b&gt;</div></template></turbo-stream>');
    n.update({ title: "edited" });
    assert.equal(broadcasts[1].message, '<turbo-stream action="replace" target="note_' + n.id + '"><template><div id="note_' + n.id + '">edited</div></template></turbo-stream>');
    n.destroy();
    assert.equal(broadcasts[2].message, '<turbo-stream action="remove" target="note_' + n.id + '"></turbo-stream>');
    assert.ok(Item);
  });

  it("a rolled-back change is never broadcast", () => {
    broadcasts.length = 0;
    assert.throws(() => q.transaction(() => { Note.create({ title: "ghost" }); throw new Error("rollback"); }));
    assert.equal(broadcasts.length, 0);
  });

  it("broadcastReplaceTo/AppendTo/RemoveTo with explicit targets and stream names", () => {
    broadcasts.length = 0;
    const n = Note.create({ title: "t" });
    broadcasts.length = 0;
    n.broadcastAppendTo("feed", { target: "list" });
    n.broadcastReplaceTo(n);
    n.broadcastRemoveTo("feed");
    assert.match(broadcasts[0].message, /^<turbo-stream action="append" target="list"><template>/);
    assert.match(broadcasts[1].stream, /^[A-Za-z0-9_-]+$/);
    assert.equal(broadcasts[2].message, '<turbo-stream action="remove" target="note_' + n.id + '"></turbo-stream>');
    assert.equal(q.streamName(n, "comments"), broadcasts[1].stream + ":comments");
  });

  it("children destroyed with their parent (dependent: destroy) broadcast to the parent's stream", () => {
    new q.Migration().createTable("boards", (t) => { t.string("name"); });
    new q.Migration().createTable("cards", (t) => { t.references("board"); t.string("title"); });
    const Board = class Board extends q.ApplicationRecord {};
    const Card = class Card extends q.ApplicationRecord {};
    Board.register().hasMany("cards", { dependent: "destroy" });
    Card.register().belongsTo("board");
    Card.broadcastsTo((card) => [card.board, "cards"]); // Rails: broadcasts_to ->(card) { [card.board, :cards] }
    const board = Board.create({ name: "b" });
    const c1 = board.cards.create({ title: "one" }), c2 = board.cards.create({ title: "two" });
    const stream = q.streamName(board, "cards");
    broadcasts.length = 0;
    Board.find(board.id).destroy();
    const removals = broadcasts.filter((b) => /action="remove"/.test(b.message));
    assert.deepEqual(removals.map((b) => [b.stream, b.message]), [c1, c2].map((c) =>
      [stream, '<turbo-stream action="remove" target="card_' + c.id + '"></turbo-stream>']));
    assert.equal(Card.count(), 0);
  });
});
