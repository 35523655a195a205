import ApplicationRecord from "../../app/models/application_record.rb"; import * as $rb from "quickrail/ruby"; let $t;
 export default class KitchenSink extends ApplicationRecord {
 static STATES = ["draft", "published", "archived"];
 static $4 = void this.beforeSave("normalizeTitle");
 static $5 = void this.validate("titleIsPolite");

 static search(query, { limit = 10, ...opts } = {}) {
 return (($t = this.where("title LIKE ?", `%${$rb.s(query)}%`))?.limit ? $t : $rb.nm($t, "limit")).limit(limit);
 }

 label(prefix = "#", ...rest) { let parts;
 (parts = $rb.add([prefix, $rb.s(this.id)], rest));
 return $rb.join($rb.compact(parts), "-");
 }

 summary() { let words, text;
 if ($rb.blank($rb.g(this, "title"))) { return "untitled"; }
 (words = $rb.split($rb.g(this, "title")));
 (text = $rb.join($rb.map($rb.first(words, 3), (x) => $rb.g(x, "upcase")), " "));
 if (($rb.size(words) > 3)) { (text = $rb.shl(text, "...")); }
 return text;
 }

 statusBadge() {
 { const $c1 = $rb.g(this, "state");
 if ($c1 === "draft") { return "gray"; }
 else if ($c1 === "published" || $c1 === "live") { return "green"; } else {

 return "red"; }
 }
 }

 counts() { let totals;
 (totals = {});
 { let i = -1; for (const comment of $rb.iter($rb.g(this, "comments"))) { i++;
 if ($rb.nil($rb.g(comment, "body"))) { continue; }
 (($t = $rb.idx(totals, $rb.g(comment, "commenter"))) != null && $t !== false ? $t : $rb.idxSet(totals, $rb.g(comment, "commenter"), 0));
 $rb.idxSet(totals, $rb.g(comment, "commenter"), $rb.add($rb.idx(totals, $rb.g(comment, "commenter")), i));
 } }
 return totals;
 }

 safeAuthorName() {
 return (($t = (($t = $rb.g(this, "author")) == null ? null : $rb.g($t, "name"))) != null && $t !== false ? $t : "anonymous");
 }

 eachWord($blk) {
 { for (const w of $rb.iter($rb.split($rb.s($rb.g(this, "title"))))) { $blk(w); } } return null;
 }

 risky() { let e;
 try {
 return $rb.toInteger($rb.g(this, "title")); } catch ($e) {
 if ($e instanceof Error) { e = $e;
 $rb.puts(`not a number: ${$rb.s($rb.g(e, "message"))}`);
 return 0; } else throw $e; }

 finally { (this.checked = true); }

 }

 heredoc() {
 return `Title: ${$rb.s($rb.g(this, "title"))}\nDone\n`;



 }

 tally(n) { let i, x;
 (i = 0);
 while ((i < n)) { (i = (i + 1)); }
 while (!$rb.zero(i)) {
 (i = (i - 2));
 }
 (x = ((n > 2) ? "big" : "small"));
 if (!(x === "big")) {
 return $rb.div(7, 2); }

 return $rb.sum($rb.select([1, 2, 3], (v) => { return $rb.g(v, "isOdd"); }));
 }


 normalizeTitle() {
 if ($rb.present($rb.g(this, "title"))) { return (this.title = $rb.core0.squish($rb.strip($rb.g(this, "title")))); } else { return null; }
 }

 titleIsPolite() {
 if ($rb.include($rb.s($rb.g(this, "title")), "!!!")) { return (($t = this.errors)?.add ? $t : $rb.nm($t, "add")).add("title", "is rude"); } else { return null; }
 }
 }
