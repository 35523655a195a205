import { Migration } from "quickrail";

export default class CreateArticles extends Migration {
  change() {
    this.createTable("articles", (t) => {
      t.string("title");
      t.text("body");
      t.timestamps();
    });
  }
}
