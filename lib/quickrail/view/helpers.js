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
  contentTag, classNames, notice, alert } from "./tag_helpers.js";
import { domId, turboStreamFrom, turboFrameTag } from "../turbo.js";

export {
  polymorphicPath, polymorphicUrl, urlFor, linkTo, linkToIf, buttonTo, FormBuilder, formWith,
  pluralize, truncate, distanceOfTimeInWords, timeAgoInWords, simpleFormat, numberWithDelimiter, cycle,
  csrfMetaTags, actionCableMetaTag, cspMetaTag, stylesheetLinkTag, javascriptIncludeTag, contentFor, hasContentFor, provide,
  contentTag, classNames, notice, alert, domId, turboStreamFrom, turboFrameTag,
};

export const frameworkHelpers = {
  linkTo, linkToIf, buttonTo, formWith, domId, pluralize, truncate, timeAgoInWords, distanceOfTimeInWords,
  simpleFormat, turboStreamFrom, turboFrameTag, csrfMetaTags, actionCableMetaTag, cspMetaTag, contentFor, provide, hasContentFor,
  contentTag, tag, raw, h: escapeHTML, escapeHTML, safeJoin, stylesheetLinkTag, javascriptIncludeTag, classNames, tokenList: classNames,
  numberWithDelimiter, cycle, urlFor, polymorphicPath, polymorphicUrl, capture, singularize, humanize, underscore, dasherize: (s) => String(s).replace(/_/g, "-"),
};
// snake_case aliases, so ERB ported from Rails reads the same
const aliases = {
  link_to: "linkTo", button_to: "buttonTo", form_with: "formWith", dom_id: "domId", time_ago_in_words: "timeAgoInWords",
  simple_format: "simpleFormat", turbo_stream_from: "turboStreamFrom", turbo_frame_tag: "turboFrameTag", csrf_meta_tags: "csrfMetaTags",
  action_cable_meta_tag: "actionCableMetaTag", content_for: "contentFor", content_tag: "contentTag",
  stylesheet_link_tag: "stylesheetLinkTag", javascript_include_tag: "javascriptIncludeTag", url_for: "urlFor",
};
for (const k of Object.keys(aliases)) frameworkHelpers[k] = frameworkHelpers[aliases[k]];
