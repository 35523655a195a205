// view/text_helpers.js — ActionView's text, date and number helpers: pluralize, truncate,
// distanceOfTimeInWords, timeAgoInWords, simpleFormat, numberWithDelimiter, cycle.
import { escapeHTML, raw, tagAttributes } from "../support/html.js";
import { pluralize as pluralWord } from "../support/inflector.js";
import { currentContext } from "./context.js";

const ctx = () => currentContext();

export function pluralize(count, singular, plural) {
  const n = Number(count);
  const word = n === 1 || count === "1" ? singular : (plural || pluralWord(singular));
  return (count === null || count === undefined ? 0 : count) + " " + word;
}

// truncate("long text", { length: 100, omission: "...", separator: " " }) — length includes the omission
export function truncate(text, opts = {}) {
  if (text === null || text === undefined) return "";
  const s = String(text);
  const length = opts.length || 30;
  const omission = opts.omission === undefined ? "..." : opts.omission;
  if (s.length <= length) return s;
  let stop = length - omission.length;
  if (opts.separator) { const i = s.lastIndexOf(opts.separator, stop); if (i > 0) stop = i; }
  return s.slice(0, Math.max(0, stop)) + omission;
}

export function distanceOfTimeInWords(from, to, opts = {}) {
  const a = from instanceof Date ? from : new Date(from);
  const b = to instanceof Date ? to : new Date(to === undefined ? Date.now() : to);
  const secs = Math.round(Math.abs(b - a) / 1000);
  const mins = Math.round(secs / 60);
  if (mins <= 1) {
    if (!opts.includeSeconds) return mins === 0 ? "less than a minute" : "1 minute";
    if (secs < 5) return "less than 5 seconds";
    if (secs < 10) return "less than 10 seconds";
    if (secs < 20) return "less than 20 seconds";
    if (secs < 40) return "half a minute";
    if (secs < 60) return "less than a minute";
    return "1 minute";
  }
  if (mins < 45) return mins + " minutes";
  if (mins < 90) return "about 1 hour";
  if (mins < 1440) return "about " + Math.round(mins / 60) + " hours";
  if (mins < 2520) return "1 day";
  if (mins < 43200) return Math.round(mins / 1440) + " days";
  if (mins < 86400) return "about " + Math.round(mins / 43200) + " month" + (Math.round(mins / 43200) === 1 ? "" : "s");
  if (mins < 525600) return Math.round(mins / 43200) + " months";
  const years = Math.floor(mins / 525600);
  const rem = mins % 525600;
  if (rem < 131400) return "about " + years + " year" + (years === 1 ? "" : "s");
  if (rem < 394200) return "over " + years + " year" + (years === 1 ? "" : "s");
  return "almost " + (years + 1) + " years";
}
export function timeAgoInWords(from, opts) { return distanceOfTimeInWords(from, Date.now(), opts); }

export function simpleFormat(text, opts = {}) {
  const paras = String(text === null || text === undefined ? "" : text).replace(/\r\n?/g, "\n").split(/\n\n+/).filter((p) => p.trim() !== "");
  if (!paras.length) return raw("<p></p>");
  return raw(paras.map((p) => "<p" + tagAttributes(opts) + ">" + escapeHTML(p).replace(/\n/g, "<br>") + "</p>").join("\n\n"));
}

export function numberWithDelimiter(n, delim = ",") { const [i, f] = String(n).split("."); return i.replace(/\B(?=(\d{3})+(?!\d))/g, delim) + (f ? "." + f : ""); }
export function cycle(...values) { const vc = ctx(); vc.__cycle = ((vc.__cycle === undefined ? -1 : vc.__cycle) + 1) % values.length; return values[vc.__cycle]; }
