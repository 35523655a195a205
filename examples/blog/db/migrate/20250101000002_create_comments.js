import { Migration } from "quickrail";

export default class CreateComments extends Migration {
  change() {
    this.createTable("comments", (t) => {
      t.references("article", { null: false, foreignKey: true });
      t.string("commenter");
      t.text("body");
      t.timestamps();
    });
  }
}
