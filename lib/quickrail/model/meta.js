// model/meta.js — the per-class bookkeeping every model module shares: the registry of model
// classes by name, each class's own metadata record (table, columns, associations,
// validations, callbacks) and its class chain [Base ... cls]. A leaf: imports nothing.
export const hasOwn = (o, k) => Object.prototype.hasOwnProperty.call(o, k);
export const registry = {};

export function meta(cls) {
  // fast path: the class's own meta records its owner (an inherited one belongs to a superclass)
  const own = cls.__qrMeta;
  if (own !== undefined && own.owner === cls) return own;
  if (!hasOwn(cls, "__qrMeta")) {
    Object.defineProperty(cls, "__qrMeta", { value: {
      tableName: null, columns: null, columnTypes: null, associations: {}, validations: [], callbacks: {}, primaryKey: "id",
      owner: cls,
    }, enumerable: false });
    if (cls.name && !hasOwn(cls, "abstractClass")) registry[cls.name] = cls;
  }
  return cls.__qrMeta;
}
export function chain(cls) { // [Base ... cls], cached per class (class hierarchies do not change)
  if (hasOwn(cls, "__qrChain")) return cls.__qrChain;
  const out = [];
  for (let c = cls; c && c !== Object && c !== Function.prototype; c = Object.getPrototypeOf(c)) out.unshift(c);
  Object.defineProperty(cls, "__qrChain", { value: out, enumerable: false });
  return out;
}
