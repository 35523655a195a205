import Article from "../app/models/article.rb"; import * as $rb from "quickrail/ruby"; let $t; export default function seed() { let welcome;
 (welcome = (($t = Article)?.createBang ? $t : $rb.nm($t, "createBang")).createBang({ title: "Welcome to quickrail", body: "This blog is a Rails app in Ruby, compiled to JavaScript." }));

 (($t = $rb.g(welcome, "comments"))?.createBang ? $t : $rb.nm($t, "createBang")).createBang({ commenter: "Ada", body: "Live updates without writing any JavaScript!" });
 { const $n = 3; for (let i = 0; i < $n; i++) {
 (($t = Article)?.createBang ? $t : $rb.nm($t, "createBang")).createBang({ title: `Post ${$rb.s((i + 1))}`, body: `Body of post number ${$rb.s((i + 1))}.` });
 } } }
