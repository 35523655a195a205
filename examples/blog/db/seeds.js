// quickrail db:seed — runs once after db:prepare creates the database.
import Article from "../app/models/article.js";

export default function seed() {
  const welcome = Article.createBang({
    title: "Welcome to quickrail",
    body: "This blog is a Rails-shaped JavaScript app running on a supervised pool of QuickJS workers. Open it in two tabs and watch changes arrive live over Action Cable.",
  });
  welcome.comments.createBang({ commenter: "Ada", body: "Live updates without writing any JavaScript!" });
  Article.createBang({
    title: "Turbo Streams",
    body: "Create, comment on or delete an article here, and every other open page updates through a Turbo Stream broadcast after the transaction commits.",
  });
}
