import * as $rb from "quickrail/ruby"; import { helpers as $h } from "quickrail"; let $t;
 export function pageTitle(title) {
 return ((title != null && title !== false) ? `${$rb.s(title)} · Blog` : "Blog");
 }

 export function navLink(name, path) {
 return $h.linkTo(name, path, { class: "nav" });
 }
