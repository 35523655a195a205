import ApplicationController from "../../app/controllers/application_controller.rb"; import Article from "../../app/models/article.rb"; import * as $rb from "quickrail/ruby"; let $t; export default class ArticlesController extends ApplicationController {
 static $2 = void this.beforeAction("setArticle", { only: ["show", "edit", "update", "destroy"] });



 index() {
 return (this.articles = Article.all());
 }



 show() { return null;
 }


 new() {
 return (this.article = new Article());
 }


 edit() { return null;
 }



 create() {
 (this.article = new Article(this.articleParams()));

 return this.respondTo((format) => {
 if (this.article.save()) {
 format.html(() => { return this.redirectTo(this.article, { notice: "Article was successfully created." }); });
 return format.json(() => { return this.render("show", { status: "created", location: this.article }); }); } else {

 format.html(() => { return this.render("new"); });
 return format.json(() => { return this.render({ json: this.article.errors, status: "unprocessable_entity" }); }); }

 });
 }



 update() {
 return this.respondTo((format) => {
 if (this.article.update(this.articleParams())) {
 format.html(() => { return this.redirectTo(this.article, { notice: "Article was successfully updated." }); });
 return format.json(() => { return this.render("show", { status: "ok", location: this.article }); }); } else {

 format.html(() => { return this.render("edit"); });
 return format.json(() => { return this.render({ json: this.article.errors, status: "unprocessable_entity" }); }); }

 });
 }



 destroy() {
 this.article.destroy();
 return this.respondTo((format) => {
 format.html(() => { return this.redirectTo($rb.g(this, "articlesUrl"), { notice: "Article was successfully destroyed." }); });
 return format.json(() => { return this.head("no_content"); });
 });
 }



 setArticle() {
 return (this.article = Article.find($rb.idx(this.params, "id")));
 }


 articleParams() {
 return this.params.require("article").permit("title", "body");
 }
 }
