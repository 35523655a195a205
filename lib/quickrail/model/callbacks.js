// model/callbacks.js — ActiveRecord::Callbacks: the callback kinds, registering one on a model
// class and running a kind's chain (superclass first, with if/unless/on), and abort() — Rails'
// throw :abort — with the sentinel save/destroy recognise. Imports only model/meta.js.
import { meta, chain, hasOwn } from "./meta.js";

export const CALLBACKS = ["beforeValidation", "afterValidation", "beforeSave", "afterSave", "beforeCreate", "afterCreate",
  "beforeUpdate", "afterUpdate", "beforeDestroy", "afterDestroy", "afterInitialize", "afterFind",
  "afterCommit", "afterCreateCommit", "afterUpdateCommit", "afterDestroyCommit", "afterSaveCommit", "afterRollback"];

export const ABORT = { abort: true, toString() { return "quickrail: callback chain aborted"; } };
// Inside a before_* callback: `abort()` halts the chain, save/destroy return false (Rails' throw :abort).
export function abort() { throw ABORT; }

export function addCallback(cls, kind, fnOrName, options = {}) {
  const m = meta(cls);
  (m.callbacks[kind] || (m.callbacks[kind] = [])).push({ fn: fnOrName, options });
  return cls;
}
export function runCallbacks(cls, record, kind) {
  for (const c of chain(cls)) {
    const list = c.__qrMeta && hasOwn(c, "__qrMeta") ? c.__qrMeta.callbacks[kind] : null;
    if (!list) continue;
    for (const cb of list) {
      const o = cb.options;
      if (o.if && !(typeof o.if === "function" ? o.if.call(record, record) : record[o.if]())) continue;
      if (o.unless && (typeof o.unless === "function" ? o.unless.call(record, record) : record[o.unless]())) continue;
      if (o.on) {
        const on = [].concat(o.on);
        if (!on.includes(record._lastAction)) continue;
      }
      if (typeof cb.fn === "function") cb.fn.call(record, record);
      else if (typeof record[cb.fn] === "function") record[cb.fn]();
      else throw new Error("quickrail: " + cls.name + " " + kind + " callback names unknown method '" + cb.fn + "'");
    }
  }
}
