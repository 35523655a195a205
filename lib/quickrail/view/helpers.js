// view/helpers.js — the helper table every template sees (frameworkHelpers, with Rails'
// snake_case aliases), assembled from the helper modules: url_helpers.js (linkTo, buttonTo,
// urlFor, polymorphic paths), form_helpers.js (formWith, FormBuilder), text_helpers.js
// (pluralize, truncate, timeAgoInWords, simpleFormat, ...), tag_helpers.js (contentTag,
// contentFor, csrfMetaTags, asset tags, ...) and ../turbo.js (domId, turboStreamFrom,
// turboFrameTag). Re-exports each helper, so `helpers.linkTo` keeps working.
import { escapeHTML, raw, tag, safeJoin } from "../support/html.js";
import { singularize, humanize, underscore } from "../support/inflector.js";
import { capture } from "./context.js";
import { polymorphicPath, polymorphicUrl, urlFor, linkTo, linkToIf, buttonTo } from "./url_helpers.js";
import { FormBuilder, formWith } from "./form_helpers.js";
import { pluralize, truncate, distanceOfTimeInWords, timeAgoInWords, simpleFormat, numberWithDelimiter, cycle } from "./text_helpers.js";
import { csrfMetaTags, actionCableMetaTag, cspMetaTag, stylesheetLinkTag, javascriptIncludeTag, contentFor, hasContentFor, provide,
  contentTag, classNames, notice, alert, javascriptImportmapTags, imageTag, faviconLinkTag } from "./tag_helpers.js";
import { domId, turboStreamFrom, turboFrameTag } from "../turbo.js";

export {
  polymorphicPath, polymorphicUrl, urlFor, linkTo, linkToIf, buttonTo, FormBuilder, formWith,
  pluralize, truncate, distanceOfTimeInWords, timeAgoInWords, simpleFormat, numberWithDelimiter, cycle,
  csrfMetaTags, actionCableMetaTag, cspMetaTag, stylesheetLinkTag, javascriptIncludeTag, contentFor, hasContentFor, provide,
  contentTag, classNames, notice, alert, domId, turboStreamFrom, turboFrameTag, javascriptImportmapTags, imageTag, faviconLinkTag,
};

export const frameworkHelpers = {
  linkTo, linkToIf, buttonTo, formWith, domId, pluralize, truncate, timeAgoInWords, distanceOfTimeInWords,
  simpleFormat, turboStreamFrom, turboFrameTag, csrfMetaTags, actionCableMetaTag, cspMetaTag, contentFor, provide, hasContentFor,
  contentTag, tag, raw, h: escapeHTML, escapeHTML, safeJoin, stylesheetLinkTag, javascriptIncludeTag, classNames, tokenList: classNames,
  numberWithDelimiter, cycle, urlFor, polymorphicPath, polymorphicUrl, capture, singularize, humanize, underscore, dasherize: (s) => String(s).replace(/_/g, "-"),
  notice, alert, javascriptImportmapTags, imageTag, faviconLinkTag,
  // Ruby's predicate spelling, as compiled Ruby calls it (content_for? -> isContentFor)
  isContentFor: hasContentFor,
};
// snake_case aliases of every helper (link_to, time_ago_in_words, ...), so ERB ported from
// Rails reads the same; compiled Ruby calls the camelCase names.
for (const k of Object.keys(frameworkHelpers)) {
  if (/[A-Z]{2}/.test(k)) continue; // escapeHTML: no escape_h_t_m_l
  const snake = k.replace(/[A-Z]/g, (c) => "_" + c.toLowerCase());
  if (snake !== k && !(snake in frameworkHelpers)) frameworkHelpers[snake] = frameworkHelpers[k];
}
