// support/inflector.js — Rails' naming conventions: plural/singular, snake_case/CamelCase,
// table and class names, human attribute names. Pure functions; used everywhere.
const irregular = { person: "people", man: "men", woman: "women", child: "children", mouse: "mice", ox: "oxen" };
const irregularBack = Object.fromEntries(Object.entries(irregular).map(([a, b]) => [b, a]));
const uncountable = new Set(["equipment", "information", "rice", "money", "species", "series", "fish", "sheep", "news"]);

const pluralRules = [
  [/(quiz)$/i, "$1zes"], [/^(ox)$/i, "$1en"], [/(matr|vert|ind)(?:ix|ex)$/i, "$1ices"],
  [/(x|ch|ss|sh)$/i, "$1es"], [/([^aeiouy]|qu)y$/i, "$1ies"], [/(hive)$/i, "$1s"],
  [/(?:([^f])fe|([lr])f)$/i, "$1$2ves"], [/sis$/i, "ses"], [/([ti])um$/i, "$1a"],
  [/(buffal|tomat)o$/i, "$1oes"], [/(bu)s$/i, "$1ses"], [/(alias|status)$/i, "$1es"],
  [/(octop|vir)us$/i, "$1i"], [/(ax|test)is$/i, "$1es"], [/s$/i, "s"], [/$/, "s"],
];
const singularRules = [
  [/(database)s$/i, "$1"], [/(quiz)zes$/i, "$1"], [/(matr)ices$/i, "$1ix"], [/(vert|ind)ices$/i, "$1ex"],
  [/^(ox)en/i, "$1"], [/(alias|status)(es)?$/i, "$1"], [/(octop|vir)(us|i)$/i, "$1us"],
  [/^(a)x[ie]s$/i, "$1xis"], [/(cris|test)(is|es)$/i, "$1is"], [/(shoe)s$/i, "$1"], [/(o)es$/i, "$1"],
  [/(bus)(es)?$/i, "$1"], [/(mouse|louse)$/i, "$1"], [/(x|ch|ss|sh)es$/i, "$1"],
  [/(m)ovies$/i, "$1ovie"], [/(s)eries$/i, "$1eries"], [/([^aeiouy]|qu)ies$/i, "$1y"],
  [/([lr])ves$/i, "$1f"], [/(tive)s$/i, "$1"], [/(hive)s$/i, "$1"], [/([^f])ves$/i, "$1fe"],
  [/(t)he(sis|ses)$/i, "$1hesis"], [/(analy|ba|diagno|parenthe|progno|synop|the)(sis|ses)$/i, "$1sis"],
  [/([ti])a$/i, "$1um"], [/(n)ews$/i, "$1ews"], [/(ss)$/i, "$1"], [/s$/i, ""],
];

function inflect(word, rules, irregulars) {
  const w = String(word);
  const m = /^(.*?)([A-Za-z]+)$/.exec(w);
  const last = m ? m[2] : w;
  const lower = last.toLowerCase();
  if (uncountable.has(lower)) return w;
  if (irregulars[lower]) {
    const rep = irregulars[lower];
    const out = last[0] === last[0].toUpperCase() ? rep[0].toUpperCase() + rep.slice(1) : rep;
    return (m ? m[1] : "") + out;
  }
  for (const [re, rep] of rules) if (re.test(w)) return w.replace(re, rep);
  return w;
}

// Names repeat (model, route and helper names), and the rules are regex lists, so results are
// memoised (bounded) — the inflector sits on the per-request path of templates and queries.
function memo(fn) {
  const cache = new Map();
  return function (s, arg) {
    const key = arg === undefined ? s : s + "\u0000" + arg;
    let v = cache.get(key);
    if (v === undefined) {
      v = fn(s, arg);
      if (cache.size > 2000) cache.clear();
      cache.set(key, v);
    }
    return v;
  };
}
export const pluralize = memo((word) => inflect(word, pluralRules, irregular));
export const singularize = memo((word) => inflect(word, singularRules, irregularBack));

// "ArticleComment" -> "article_comment"; "articleId" -> "article_id"
export const underscore = memo(function underscore(s) {
  return String(s).replace(/::/g, "/").replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .replace(/([a-z\d])([A-Z])/g, "$1_$2").replace(/-/g, "_").toLowerCase();
});
// "article_comment" -> "ArticleComment"; camelize(s, false) -> "articleComment"
export const camelize = memo(function camelize(s, upperFirst) {
  if (upperFirst === undefined) upperFirst = true;
  const out = String(s).replace(/[_-]+([a-z\d])/g, (m, c) => c.toUpperCase());
  return upperFirst ? out.charAt(0).toUpperCase() + out.slice(1) : out.charAt(0).toLowerCase() + out.slice(1);
});
export function tableize(className) { return pluralize(underscore(className)); }
export function classify(tableName) { return camelize(singularize(String(tableName))); }
// "article_id" -> "Article"; "created_at" -> "Created at"
export const humanize = memo(function humanize(s) {
  const t = underscore(s).replace(/_id$/, "").replace(/_/g, " ").trim();
  return t.charAt(0).toUpperCase() + t.slice(1);
});
export function titleize(s) { return humanize(s).replace(/\b[a-z]/g, (c) => c.toUpperCase()); }
export function dasherize(s) { return String(s).replace(/_/g, "-"); }
