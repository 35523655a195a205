// cli/generators.js — what `quickrail generate` writes and `quickrail destroy` removes, as
// `rails generate` does: scaffold, model, migration (AddXToY / RemoveXFromY / CreateX inferred),
// controller, channel. plan() returns the files (path -> content) and route lines for an app in
// its own language: Ruby (an app with config/routes.rb; Rails 7 scaffold templates) or
// JavaScript. Pure: no file access (cli/generate.js and cli/destroy.js apply the plan).
import { camelize, underscore, pluralize, singularize, humanize } from "../support/inflector.js";

export const GENERATORS = ["scaffold", "model", "migration", "controller", "channel"];
const TYPES = ["string", "text", "integer", "float", "decimal", "boolean", "date", "datetime", "time", "binary", "references", "belongs_to"];

// "title:string" "body:text" "article:references" "slug:string:uniq" -> [{ name, type, index, unique, reference }]
export function parseFields(args) {
  return args.map((a) => {
    const [name, type = "string", extra] = a.split(":");
    if (!/^[a-z_][a-z0-9_]*$/.test(name || "")) throw new Error("invalid field '" + a + "': use name:type, e.g. title:string (types: " + TYPES.join(", ") + ")");
    const t = type === "belongs_to" ? "references" : type;
    if (!TYPES.includes(type) && !(type === "index" || type === "uniq")) throw new Error("unknown type '" + type + "' in '" + a + "' (types: " + TYPES.join(", ") + ")");
    const idx = extra || (type === "index" || type === "uniq" ? type : undefined);
    return { name, type: idx === type ? "string" : t, index: idx === "index" || idx === "uniq", unique: idx === "uniq", reference: t === "references" };
  });
}

// "Article", "articles", "line_item", "LineItem" -> the names Rails derives from them.
export function names(raw) {
  const singular = singularize(underscore(String(raw)));
  const plural = pluralize(singular);
  return { singular, plural, className: camelize(singular), pluralClass: camelize(plural), human: humanize(singular), pluralHuman: humanize(plural) };
}

const rbSym = (s) => ":" + s;
const jsStr = (s) => JSON.stringify(s);
function formField(f, lang) {
  const kind = { text: "text_area", integer: "number_field", float: "number_field", decimal: "number_field", boolean: "check_box", date: "date_field", datetime: "datetime_field" }[f.type] || "text_field";
  const attr = f.reference ? f.name + "_id" : f.name;
  if (lang === "rb") return "    <%= form.label :" + attr + ', style: "display: block" %>\n    <%= form.' + kind + " :" + attr + " %>";
  return '    <%= form.label("' + attr + '", { style: "display: block" }) %>\n    <%= form.' + camelize(kind, false) + '("' + attr + '") %>';
}
const attrOf = (f) => (f.reference ? f.name + "_id" : f.name);

// ---- migrations --------------------------------------------------------------------------
function migrationBody(className, fields, lang) {
  const u = underscore(className);
  let m;
  if ((m = /^add_(.+)_to_(.+)$/.exec(u))) return { kind: "add", table: m[2], lines: fields.map((f) => colChange("add", m[2], f, lang)).flat() };
  if ((m = /^remove_(.+)_from_(.+)$/.exec(u))) return { kind: "remove", table: m[2], lines: fields.map((f) => colChange("remove", m[2], f, lang)).flat() };
  if ((m = /^create_(.+)$/.exec(u))) return { kind: "create", table: m[1], lines: createTable(m[1], fields, lang) };
  return { kind: "empty", table: null, lines: [] };
}
function colChange(op, table, f, lang) {
  if (lang === "rb") {
    if (f.reference) return [(op === "add" ? "add_reference" : "remove_reference") + " :" + table + ", :" + f.name + (op === "add" ? ", null: false, foreign_key: true" : ", foreign_key: true")];
    const out = [(op === "add" ? "add_column" : "remove_column") + " :" + table + ", :" + f.name + ", :" + f.type];
    if (op === "add" && f.index) out.push("add_index :" + table + ", :" + f.name + (f.unique ? ", unique: true" : ""));
    return out;
  }
  if (f.reference) return [op === "add" ? "this.addReference(" + jsStr(table) + ", " + jsStr(f.name) + ", { null: false, foreignKey: true });" : "this.removeColumn(" + jsStr(table) + ", " + jsStr(f.name + "_id") + ");"];
  const out = [op === "add" ? "this.addColumn(" + jsStr(table) + ", " + jsStr(f.name) + ", " + jsStr(f.type) + ");" : "this.removeColumn(" + jsStr(table) + ", " + jsStr(f.name) + ");"];
  if (op === "add" && f.index) out.push("this.addIndex(" + jsStr(table) + ", " + jsStr(f.name) + (f.unique ? ", { unique: true }" : "") + ");");
  return out;
}
function createTable(table, fields, lang) {
  if (lang === "rb") {
    const cols = fields.map((f) => "  t." + f.type + " :" + f.name + (f.reference ? ", null: false, foreign_key: true" : ""));
    const idx = fields.filter((f) => f.index && !f.reference).map((f) => "add_index :" + table + ", :" + f.name + (f.unique ? ", unique: true" : ""));
    return ["create_table :" + table + " do |t|", ...cols, "", "  t.timestamps", "end", ...idx];
  }
  const cols = fields.map((f) => "      t." + (f.reference ? "references" : f.type) + "(" + jsStr(f.name) + (f.reference ? ", { null: false, foreignKey: true }" : "") + ");");
  const idx = fields.filter((f) => f.index && !f.reference).map((f) => "this.addIndex(" + jsStr(table) + ", " + jsStr(f.name) + (f.unique ? ", { unique: true }" : "") + ");");
  return ["this.createTable(" + jsStr(table) + ", (t) => {", ...cols, "      t.timestamps();", "    });", ...idx];
}
function migrationFile(className, fields, lang) {
  const body = migrationBody(className, fields, lang);
  if (lang === "rb") {
    return "class " + className + " < ActiveRecord::Migration[7.1]\n  def change\n" + body.lines.map((l) => (l ? "    " + l : "")).join("\n") + (body.lines.length ? "\n" : "") + "  end\nend\n";
  }
  return 'import { Migration } from "quickrail";\n\nexport default class ' + className + " extends Migration {\n  change() {\n" +
    body.lines.map((l) => (l.startsWith(" ") ? l : "    " + l)).join("\n") + (body.lines.length ? "\n" : "") + "  }\n}\n";
}

// ---- models, controllers, views ----------------------------------------------------------
function modelFile(n, fields, lang) {
  const refs = fields.filter((f) => f.reference);
  if (lang === "rb") return "class " + n.className + " < ApplicationRecord\n" + refs.map((f) => "  belongs_to :" + f.name + "\n").join("") + "end\n";
  return 'import { ApplicationRecord } from "quickrail";\n\nexport default class ' + n.className + " extends ApplicationRecord {}\n" +
    (refs.length ? "\n" + refs.map((f) => n.className + ".belongsTo(" + jsStr(f.name) + ");\n").join("") : "");
}

function scaffoldController(n, fields, lang) {
  const { singular: s, plural: p, className: C, pluralClass: PC, human: H } = n;
  const permit = fields.map(attrOf);
  if (lang === "rb") {
    return `class ${PC}Controller < ApplicationController
  before_action :set_${s}, only: %i[ show edit update destroy ]

  # GET /${p} or /${p}.json
  def index
    @${p} = ${C}.all
  end

  # GET /${p}/1 or /${p}/1.json
  def show
  end

  # GET /${p}/new
  def new
    @${s} = ${C}.new
  end

  # GET /${p}/1/edit
  def edit
  end

  # POST /${p} or /${p}.json
  def create
    @${s} = ${C}.new(${s}_params)

    respond_to do |format|
      if @${s}.save
        format.html { redirect_to ${s}_url(@${s}), notice: "${H} was successfully created." }
        format.json { render :show, status: :created, location: @${s} }
      else
        format.html { render :new, status: :unprocessable_entity }
        format.json { render json: @${s}.errors, status: :unprocessable_entity }
      end
    end
  end

  # PATCH/PUT /${p}/1 or /${p}/1.json
  def update
    respond_to do |format|
      if @${s}.update(${s}_params)
        format.html { redirect_to ${s}_url(@${s}), notice: "${H} was successfully updated." }
        format.json { render :show, status: :ok, location: @${s} }
      else
        format.html { render :edit, status: :unprocessable_entity }
        format.json { render json: @${s}.errors, status: :unprocessable_entity }
      end
    end
  end

  # DELETE /${p}/1 or /${p}/1.json
  def destroy
    @${s}.destroy!

    respond_to do |format|
      format.html { redirect_to ${p}_url, notice: "${H} was successfully destroyed." }
      format.json { head :no_content }
    end
  end

  private
    # Use callbacks to share common setup or constraints between actions.
    def set_${s}
      @${s} = ${C}.find(params[:id])
    end

    # Only allow a list of trusted parameters through.
    def ${s}_params
      params.require(:${s}).permit(${permit.map(rbSym).join(", ")})
    end
end
`;
  }
  const cs = camelize(s, false), cp = camelize(p, false);
  // (the generated file's imports, built so that no line here reads as an import of this module)
  const imports = ["ApplicationController from \"./application_controller.js\"", C + " from \"../models/" + s + ".js\""].map((x) => "import " + x + ";\n").join("");
  return imports + `
export default class ${PC}Controller extends ApplicationController {
  // GET /${p} or /${p}.json
  index() {
    this.${cp} = ${C}.all();
    this.respondTo((format) => {
      format.html();
      format.json(() => this.render({ json: this.${cp} }));
    });
  }

  // GET /${p}/1 or /${p}/1.json
  show() {
    this.respondTo((format) => {
      format.html();
      format.json(() => this.render({ json: this.${cs} }));
    });
  }

  // GET /${p}/new
  new() { this.${cs} = new ${C}(); }

  // GET /${p}/1/edit
  edit() {}

  // POST /${p} or /${p}.json
  create() {
    this.${cs} = new ${C}(this.${cs}Params());
    this.respondTo((format) => {
      if (this.${cs}.save()) {
        format.html(() => this.redirectTo(this.${cs}, { notice: "${H} was successfully created." }));
        format.json(() => this.render({ json: this.${cs}, status: "created", location: this.${cs} }));
      } else {
        format.html(() => this.render("new", { status: "unprocessable_entity" }));
        format.json(() => this.render({ json: this.${cs}.errors, status: "unprocessable_entity" }));
      }
    });
  }

  // PATCH/PUT /${p}/1 or /${p}/1.json
  update() {
    this.respondTo((format) => {
      if (this.${cs}.update(this.${cs}Params())) {
        format.html(() => this.redirectTo(this.${cs}, { notice: "${H} was successfully updated.", status: "see_other" }));
        format.json(() => this.render({ json: this.${cs}, status: "ok", location: this.${cs} }));
      } else {
        format.html(() => this.render("edit", { status: "unprocessable_entity" }));
        format.json(() => this.render({ json: this.${cs}.errors, status: "unprocessable_entity" }));
      }
    });
  }

  // DELETE /${p}/1 or /${p}/1.json
  destroy() {
    this.${cs}.destroyBang();
    this.respondTo((format) => {
      format.html(() => this.redirectTo(this.${cp}Path(), { notice: "${H} was successfully destroyed.", status: "see_other" }));
      format.json(() => this.head("no_content"));
    });
  }

  // ---- private ----
  set${C}() { this.${cs} = ${C}.find(this.params.id); }

  ${cs}Params() { return this.params.require("${s}").permit(${permit.map(jsStr).join(", ")}); }
}

${PC}Controller.beforeAction("set${C}", { only: ["show", "edit", "update", "destroy"] });
`;
}

function scaffoldViews(n, fields, lang) {
  const { singular: s, plural: p, human: H, pluralHuman: PH } = n;
  const lower = H.toLowerCase();
  const dir = "app/views/" + p + "/";
  if (lang === "rb") {
    const shown = fields.map((f) => `  <p>\n    <strong>${humanize(attrOf(f))}:</strong>\n    <%= ${s}.${attrOf(f)} %>\n  </p>\n`).join("\n");
    return {
      [dir + "index.html.erb"]: `<p style="color: green"><%= notice %></p>\n\n<% content_for :title, "${PH}" %>\n\n<h1>${PH}</h1>\n\n<div id="${p}">\n  <% @${p}.each do |${s}| %>\n    <%= render ${s} %>\n    <p>\n      <%= link_to "Show this ${lower}", ${s} %>\n    </p>\n  <% end %>\n</div>\n\n<%= link_to "New ${lower}", new_${s}_path %>\n`,
      [dir + "show.html.erb"]: `<p style="color: green"><%= notice %></p>\n\n<%= render @${s} %>\n\n<div>\n  <%= link_to "Edit this ${lower}", edit_${s}_path(@${s}) %> |\n  <%= link_to "Back to ${p.replace(/_/g, " ")}", ${p}_path %>\n\n  <%= button_to "Destroy this ${lower}", @${s}, method: :delete %>\n</div>\n`,
      [dir + "new.html.erb"]: `<% content_for :title, "New ${lower}" %>\n\n<h1>New ${lower}</h1>\n\n<%= render "form", ${s}: @${s} %>\n\n<br>\n\n<div>\n  <%= link_to "Back to ${p.replace(/_/g, " ")}", ${p}_path %>\n</div>\n`,
      [dir + "edit.html.erb"]: `<% content_for :title, "Editing ${lower}" %>\n\n<h1>Editing ${lower}</h1>\n\n<%= render "form", ${s}: @${s} %>\n\n<br>\n\n<div>\n  <%= link_to "Show this ${lower}", @${s} %> |\n  <%= link_to "Back to ${p.replace(/_/g, " ")}", ${p}_path %>\n</div>\n`,
      [dir + "_form.html.erb"]: `<%= form_with(model: ${s}) do |form| %>\n  <% if ${s}.errors.any? %>\n    <div style="color: red">\n      <h2><%= pluralize(${s}.errors.count, "error") %> prohibited this ${lower} from being saved:</h2>\n\n      <ul>\n        <% ${s}.errors.each do |error| %>\n          <li><%= error.full_message %></li>\n        <% end %>\n      </ul>\n    </div>\n  <% end %>\n\n` +
        fields.map((f) => "  <div>\n" + formField(f, "rb") + "\n  </div>\n\n").join("") + `  <div>\n    <%= form.submit %>\n  </div>\n<% end %>\n`,
      [dir + "_" + s + ".html.erb"]: `<div id="<%= dom_id ${s} %>">\n${shown}\n</div>\n`,
      [dir + "index.json.jbuilder"]: `json.array! @${p}, partial: "${p}/${s}", as: :${s}\n`,
      [dir + "show.json.jbuilder"]: `json.partial! "${p}/${s}", ${s}: @${s}\n`,
      [dir + "_" + s + ".json.jbuilder"]: `json.extract! ${s}, :id, ${fields.map((f) => rbSym(attrOf(f))).join(", ")}${fields.length ? ", " : ""}:created_at, :updated_at\njson.url ${s}_url(${s}, format: :json)\n`,
    };
  }
  const cs = camelize(s, false), cp = camelize(p, false), C = camelize(s);
  const shown = fields.map((f) => `  <p>\n    <strong>${humanize(attrOf(f))}:</strong>\n    <%= ${cs}.${attrOf(f)} %>\n  </p>\n`).join("\n");
  return {
    [dir + "index.html.erb"]: `<p style="color: green"><%= notice %></p>\n\n<% contentFor("title", "${PH}") %>\n\n<h1>${PH}</h1>\n\n<div id="${p}">\n  <% for (const ${cs} of ${cp}) { %>\n    <%= render(${cs}) %>\n    <p>\n      <%= linkTo("Show this ${lower}", ${cs}) %>\n    </p>\n  <% } %>\n</div>\n\n<%= linkTo("New ${lower}", new${C}Path()) %>\n`,
    [dir + "show.html.erb"]: `<p style="color: green"><%= notice %></p>\n\n<%= render(${cs}) %>\n\n<div>\n  <%= linkTo("Edit this ${lower}", edit${C}Path(${cs})) %> |\n  <%= linkTo("Back to ${p.replace(/_/g, " ")}", ${cp}Path()) %>\n\n  <%= buttonTo("Destroy this ${lower}", ${cs}, { method: "delete" }) %>\n</div>\n`,
    [dir + "new.html.erb"]: `<% contentFor("title", "New ${lower}") %>\n\n<h1>New ${lower}</h1>\n\n<%= render("form", { ${cs} }) %>\n\n<br>\n\n<div>\n  <%= linkTo("Back to ${p.replace(/_/g, " ")}", ${cp}Path()) %>\n</div>\n`,
    [dir + "edit.html.erb"]: `<% contentFor("title", "Editing ${lower}") %>\n\n<h1>Editing ${lower}</h1>\n\n<%= render("form", { ${cs} }) %>\n\n<br>\n\n<div>\n  <%= linkTo("Show this ${lower}", ${cs}) %> |\n  <%= linkTo("Back to ${p.replace(/_/g, " ")}", ${cp}Path()) %>\n</div>\n`,
    [dir + "_form.html.erb"]: `<%= formWith({ model: ${cs} }, (form) => { %>\n  <% if (${cs}.errors.any()) { %>\n    <div style="color: red">\n      <h2><%= pluralize(${cs}.errors.count, "error") %> prohibited this ${lower} from being saved:</h2>\n\n      <ul>\n        <% for (const message of ${cs}.errors.fullMessages) { %>\n          <li><%= message %></li>\n        <% } %>\n      </ul>\n    </div>\n  <% } %>\n\n` +
      fields.map((f) => "  <div>\n" + formField(f, "js") + "\n  </div>\n\n").join("") + `  <div>\n    <%= form.submit() %>\n  </div>\n<% }) %>\n`,
    [dir + "_" + s + ".html.erb"]: `<div id="<%= domId(${cs}) %>">\n${shown}\n</div>\n`,
  };
}

function controllerFiles(rawName, actions, lang) {
  const base = underscore(String(rawName)).replace(/_controller$/, "");
  const C = camelize(base) + "Controller";
  const files = {};
  const routes = actions.map((a) => (lang === "rb" ? 'get "' + base + "/" + a + '"' : "r.get(" + jsStr("/" + base + "/" + a) + ", " + jsStr(base + "#" + a) + ");"));
  if (lang === "rb") files["app/controllers/" + base + "_controller.rb"] = "class " + C + " < ApplicationController\n" + actions.map((a) => "  def " + a + "\n  end\n").join("\n") + "end\n";
  else files["app/controllers/" + base + "_controller.js"] = 'import ApplicationController from "./application_controller.js";\n\nexport default class ' + C + " extends ApplicationController {\n" + actions.map((a) => "  " + a + "() {}\n").join("") + "}\n";
  for (const a of actions) files["app/views/" + base + "/" + a + ".html.erb"] = "<h1>" + camelize(base) + "#" + a + "</h1>\n<p>Find me in app/views/" + base + "/" + a + ".html.erb</p>\n";
  if (lang === "rb") files["app/helpers/" + base + "_helper.rb"] = "module " + camelize(base) + "Helper\nend\n";
  return { files, routes };
}

function channelFiles(rawName, actions, lang) {
  const base = underscore(String(rawName)).replace(/_channel$/, "");
  const C = camelize(base) + "Channel";
  if (lang === "rb") {
    return { ["app/channels/" + base + "_channel.rb"]: "class " + C + " < ApplicationCable::Channel\n  def subscribed\n    # stream_from \"some_channel\"\n  end\n\n  def unsubscribed\n    # Any cleanup needed when channel is unsubscribed\n  end\n" + actions.map((a) => "\n  def " + a + "(data)\n  end\n").join("") + "end\n" };
  }
  return { ["app/channels/" + base + "_channel.js"]: 'import { Channel } from "quickrail";\n\nexport default class ' + C + " extends Channel {\n  subscribed() {\n    // this.streamFrom(\"some_channel\");\n  }\n\n  unsubscribed() {\n    // Any cleanup needed when channel is unsubscribed\n  }\n" + actions.map((a) => "\n  " + a + "(data) {}\n").join("") + "}\n" };
}

// The plan of `generate KIND NAME args...` for an app in lang ("rb" | "js"):
// { files: { path: content }, migration: { name, content } | null, routes: [lines], notes: [] }.
export function plan(kind, name, args, lang) {
  if (!GENERATORS.includes(kind)) throw new Error("unknown generator '" + kind + "' (generators: " + GENERATORS.join(", ") + ")");
  if (!name || name.startsWith("-")) throw new Error("usage: quickrail generate " + kind + " NAME" + (kind === "controller" || kind === "channel" ? " [action ...]" : " [field:type ...]"));
  const ext = lang === "rb" ? ".rb" : ".js";
  const out = { files: {}, migration: null, routes: [] };
  if (kind === "migration") {
    const cls = camelize(underscore(name));
    out.migration = { name: underscore(name), content: migrationFile(cls, parseFields(args), lang) };
    return out;
  }
  if (kind === "controller") return Object.assign(out, controllerFiles(name, args, lang));
  if (kind === "channel") { out.files = channelFiles(name, args, lang); return out; }
  const n = names(name);
  const fields = parseFields(args);
  out.files["app/models/" + n.singular + ext] = modelFile(n, fields, lang);
  out.migration = { name: "create_" + n.plural, content: migrationFile("Create" + n.pluralClass, fields, lang) };
  if (kind === "scaffold") {
    out.files["app/controllers/" + n.plural + "_controller" + ext] = scaffoldController(n, fields, lang);
    Object.assign(out.files, scaffoldViews(n, fields, lang));
    if (lang === "rb") out.files["app/helpers/" + n.plural + "_helper.rb"] = "module " + n.pluralClass + "Helper\nend\n";
    out.routes.push(lang === "rb" ? "resources :" + n.plural : "r.resources(" + jsStr(n.plural) + ");");
  }
  return out;
}

// "20261201215630": the migration version for now (UTC), later than every existing one.
export function migrationVersion(now, existing) {
  const pad = (x) => String(x).padStart(2, "0");
  let v = String(now.getUTCFullYear()) + pad(now.getUTCMonth() + 1) + pad(now.getUTCDate()) + pad(now.getUTCHours()) + pad(now.getUTCMinutes()) + pad(now.getUTCSeconds());
  const max = existing.reduce((m, x) => (x > m ? x : m), "");
  if (max && v <= max) v = String(BigInt(max) + 1n);
  return v;
}

// Inserts route lines after the routes file's opening line ("...routes.draw do" / "=> {");
// returns the new text, or null when every line is there already.
export function addRoutes(text, lines, lang) {
  const todo = lines.filter((l) => !text.split("\n").some((x) => x.trim() === l));
  if (!todo.length) return null;
  const open = lang === "rb" ? /routes\.draw\s+do\s*(\|[^|]*\|)?\s*$/ : /=>\s*\{\s*$/;
  const rows = text.split("\n");
  const at = rows.findIndex((r) => open.test(r));
  if (at < 0) throw new Error("cannot find where the routes start in config/routes" + (lang === "rb" ? ".rb (Rails.application.routes.draw do)" : ".js (export default (r) => {)") + "; add: " + todo.join("; "));
  rows.splice(at + 1, 0, ...todo.map((l) => "  " + l));
  return rows.join("\n");
}
export function removeRoutes(text, lines) {
  const rows = text.split("\n");
  const kept = rows.filter((r) => !lines.includes(r.trim()));
  return kept.length === rows.length ? null : kept.join("\n");
}
