// view/form_helpers.js — ActionView::Helpers::FormHelper: formWith (model- or url-backed, with
// the _method and authenticity-token inputs) and the FormBuilder its block receives (label,
// textField, textArea, checkBox, select, submit, ...; fields with errors wrapped as Rails does).
import { SafeString, escapeHTML, raw, tag, tagAttributes } from "../support/html.js";
import { humanize } from "../support/inflector.js";
import { capture } from "./context.js";
import { polymorphicPath, urlFor, tokenInput, methodInput } from "./url_helpers.js";

export class FormBuilder {
  constructor(objectName, object, opts = {}) { this.objectName = objectName; this.object = object; this.options = opts; }
  name(attr) { return this.objectName ? this.objectName + "[" + attr + "]" : attr; }
  id(attr) { return (this.objectName ? this.objectName.replace(/\]\[|[\[\]]/g, "_").replace(/_$/, "") + "_" : "") + attr; }
  value(attr) {
    if (!this.object) return null;
    const v = typeof this.object.readAttribute === "function" ? this.object.readAttribute(attr) : this.object[attr];
    return v instanceof Date ? v.toISOString() : v;
  }
  hasErrors(attr) { return !!(this.object && this.object._errors && this.object._errors.include && this.object._errors.include(attr)); }
  wrap(attr, html) { return raw(this.hasErrors(attr) ? '<div class="field_with_errors">' + html + "</div>" : html); }
  label(attr, text, opts) {
    if (text && typeof text === "object" && !(text instanceof SafeString)) { opts = text; text = undefined; }
    return this.wrap(attr, tag("label", Object.assign({ for: this.id(attr) }, opts || {}), text === undefined ? humanize(attr) : text).s);
  }
  input(type, attr, opts = {}) {
    const o = Object.assign({ type, value: this.value(attr), name: this.name(attr), id: this.id(attr) }, opts);
    if (o.value === null || o.value === undefined) delete o.value;
    return this.wrap(attr, tag("input", o).s);
  }
  textField(attr, opts) { return this.input("text", attr, opts); }
  emailField(attr, opts) { return this.input("email", attr, opts); }
  passwordField(attr, opts) { return this.input("password", attr, Object.assign({ value: null }, opts || {})); }
  numberField(attr, opts) { return this.input("number", attr, opts); }
  dateField(attr, opts) { return this.input("date", attr, opts); }
  // Rails' datetime_field: <input type="datetime-local" value="2026-12-24T09:30:00"> (UTC)
  datetimeField(attr, opts) {
    const v = this.value(attr);
    return this.input("datetime-local", attr, Object.assign(typeof v === "string" && /T/.test(v) ? { value: v.slice(0, 19) } : {}, opts || {}));
  }
  urlField(attr, opts) { return this.input("url", attr, opts); }
  telephoneField(attr, opts) { return this.input("tel", attr, opts); }
  hiddenField(attr, opts) { return raw(tag("input", Object.assign({ type: "hidden", value: this.value(attr), name: this.name(attr), id: this.id(attr), autocomplete: "off" }, opts || {})).s); }
  textArea(attr, opts = {}) {
    const v = this.value(attr);
    return this.wrap(attr, "<textarea" + tagAttributes(Object.assign({ name: this.name(attr), id: this.id(attr) }, opts)) + ">\n" + escapeHTML(v) + "</textarea>");
  }
  checkBox(attr, opts = {}, checked = "1", unchecked = "0") {
    const v = this.value(attr);
    const on = v === true || v === 1 || String(v) === String(checked);
    return this.wrap(attr, '<input name="' + escapeHTML(this.name(attr)) + '" type="hidden" value="' + escapeHTML(unchecked) + '" autocomplete="off">' +
      tag("input", Object.assign({ type: "checkbox", value: checked, checked: on, name: this.name(attr), id: this.id(attr) }, opts)).s);
  }
  select(attr, choices, opts = {}, htmlOpts = {}) {
    const v = this.value(attr);
    let inner = opts.includeBlank ? '<option value=""></option>' : "";
    for (const ch of choices) {
      const [label, value] = Array.isArray(ch) ? ch : [ch, ch];
      inner += "<option" + tagAttributes({ value, selected: String(value) === String(v) }) + ">" + escapeHTML(label) + "</option>";
    }
    return this.wrap(attr, "<select" + tagAttributes(Object.assign({ name: this.name(attr), id: this.id(attr) }, htmlOpts)) + ">" + inner + "</select>");
  }
  submit(value, opts) {
    if (value && typeof value === "object" && !(value instanceof SafeString)) { opts = value; value = undefined; }
    if (value === undefined) {
      const o = this.object;
      const model = o && o.constructor && o.constructor.modelName ? o.constructor.modelName.human : "";
      value = (o && typeof o.isPersisted === "function" && o.isPersisted() ? "Update " : "Create ") + model;
      if (!o) value = "Save changes";
    }
    return tag("input", Object.assign({ type: "submit", name: "commit", value, "data-disable-with": value }, opts || {}));
  }
  button(value, opts) { return tag("button", Object.assign({ type: "submit", name: "button" }, opts || {}), value || "Submit"); }
}
const FB = FormBuilder.prototype;
FB.text_field = FB.textField; FB.text_area = FB.textArea; FB.hidden_field = FB.hiddenField; FB.check_box = FB.checkBox;
FB.email_field = FB.emailField; FB.password_field = FB.passwordField; FB.number_field = FB.numberField;
FB.date_field = FB.dateField; FB.datetime_field = FB.datetimeField; FB.datetimeLocalField = FB.datetimeField; FB.datetime_local_field = FB.datetimeField;

// formWith({ model: article }, (form) => { %> ... <% })  |  formWith({ url, method, scope }, fn)
export function formWith(opts, block) {
  opts = Object.assign({}, opts || {});
  const model = opts.model;
  const record = Array.isArray(model) ? model[model.length - 1] : model;
  let url = opts.url, method = opts.method ? String(opts.method).toLowerCase() : null;
  let scope = opts.scope !== undefined ? opts.scope : null;
  if (record) {
    if (url === undefined) url = polymorphicPath(model);
    if (!method) method = record.isPersisted && record.isPersisted() ? "patch" : "post";
    if (scope === null) scope = record.constructor.modelName.paramKey;
  }
  url = url === undefined ? "" : urlFor(url);
  method = method || "post";
  const attrs = { action: url, "accept-charset": "UTF-8", method: method === "get" ? "get" : "post" };
  for (const k of ["class", "id", "data", "style", "multipart"]) if (opts[k] !== undefined) attrs[k] = opts[k];
  if (opts.multipart) { attrs.enctype = "multipart/form-data"; delete attrs.multipart; }
  if (opts.local === true || opts.turbo === false) attrs.data = Object.assign({ turbo: "false" }, attrs.data || {});
  if (opts.html) Object.assign(attrs, opts.html);
  let head = "";
  if (method !== "get" && method !== "post") head += methodInput(method);
  if (method !== "get") head += tokenInput();
  const builder = new FormBuilder(scope, record || null, opts);
  const body = block ? capture(block, builder) : "";
  return new SafeString("<form" + tagAttributes(attrs) + ">" + head + String(body) + "</form>");
}

