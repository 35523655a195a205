import { Migration } from "quickrail"; let $t; export default class CreateComments extends Migration {
 change() {
 return this.createTable("comments", (t) => {
 t.references("article", { null: false, foreignKey: true });
 t.string("commenter");
 t.text("body");

 return t.timestamps();
 });
 }
 }
