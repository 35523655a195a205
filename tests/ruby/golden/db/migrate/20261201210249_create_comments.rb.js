import { Migration } from "quickrail"; import * as $rb from "quickrail/ruby"; let $t; export default class CreateComments extends Migration {
 change() {
 return this.createTable("comments", (t) => {
 (($t = t)?.references ? $t : $rb.nm($t, "references")).references("article", { null: false, foreignKey: true });
 (($t = t)?.string ? $t : $rb.nm($t, "string")).string("commenter");
 (($t = t)?.text ? $t : $rb.nm($t, "text")).text("body");

 return (($t = t)?.timestamps ? $t : $rb.nm($t, "timestamps")).timestamps();
 });
 }
 }
