import { Migration } from "quickrail"; let $t; export default class CreateArticles extends Migration {
 change() {
 return this.createTable("articles", (t) => {
 t.string("title");
 t.text("body");

 return t.timestamps();
 });
 }
 }
