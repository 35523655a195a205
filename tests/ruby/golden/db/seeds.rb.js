import Article from "../app/models/article.rb"; import * as $rb from "quickrail/ruby"; let $t; export default function seed() { let welcome;
 (welcome = Article.createBang({ title: "Welcome to quickrail", body: "This blog is a Rails app in Ruby, compiled to JavaScript." }));

 $rb.g(welcome, "comments").createBang({ commenter: "Ada", body: "Live updates without writing any JavaScript!" });
 { const $n = 3; for (let i = 0; i < $n; i++) {
 Article.createBang({ title: `Post ${$rb.s((i + 1))}`, body: `Body of post number ${$rb.s((i + 1))}.` });
 } } }
