import { Migration } from "quickrail"; import * as $rb from "quickrail/ruby"; let $t; export default class CreateArticles extends Migration {
 change() {
 return this.createTable("articles", (t) => {
 (($t = t)?.string ? $t : $rb.nm($t, "string")).string("title");
 (($t = t)?.text ? $t : $rb.nm($t, "text")).text("body");

 return (($t = t)?.timestamps ? $t : $rb.nm($t, "timestamps")).timestamps();
 });
 }
 }
