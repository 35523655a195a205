// model/errors.js — ActiveModel::Errors: messages per attribute, full messages
// ("Body is too short (minimum is 10 characters)"), JSON as Rails renders `record.errors`.
import { humanize } from "../support/inflector.js";

export class Errors {
  constructor(record) { this.record = record; this.list = []; }
  add(attribute, message = "is invalid", opts = {}) {
    this.list.push({ attribute: String(attribute), message, type: opts.type || message });
    return this;
  }
  get(attribute) { return this.list.filter((e) => e.attribute === attribute).map((e) => e.message); }
  on(attribute) { return this.get(attribute); }
  include(attribute) { return this.list.some((e) => e.attribute === attribute); }
  any() { return this.list.length > 0; }
  isEmpty() { return this.list.length === 0; }
  clear() { this.list = []; }
  get count() { return this.list.length; }
  get size() { return this.list.length; }
  get length() { return this.list.length; }
  get attributeNames() { return [...new Set(this.list.map((e) => e.attribute))]; }
  fullMessage(attribute, message) {
    if (attribute === "base") return message;
    const cls = this.record && this.record.constructor;
    const name = cls && cls.humanAttributeName ? cls.humanAttributeName(attribute) : humanize(attribute);
    return name + " " + message;
  }
  get fullMessages() { return this.list.map((e) => this.fullMessage(e.attribute, e.message)); }
  fullMessagesFor(attribute) { return this.list.filter((e) => e.attribute === attribute).map((e) => this.fullMessage(e.attribute, e.message)); }
  get messages() {
    const out = {};
    for (const e of this.list) (out[e.attribute] || (out[e.attribute] = [])).push(e.message);
    return out;
  }
  toJSON() { return this.messages; }
  [Symbol.iterator]() {
    return this.list.map((e) => ({ attribute: e.attribute, message: e.message, fullMessage: this.fullMessage(e.attribute, e.message) }))[Symbol.iterator]();
  }
}
