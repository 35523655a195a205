import ApplicationController from "../../app/controllers/application_controller.rb"; import Article from "../../app/models/article.rb"; import * as $rb from "quickrail/ruby"; let $t; export default class ArticlesController extends ApplicationController {
 static $2 = void this.beforeAction("setArticle", { only: ["show", "edit", "update", "destroy"] });



 index() {
 return (this.articles = (($t = Article)?.all ? $t : $rb.nm($t, "all")).all());
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
 if ((($t = this.article)?.save ? $t : $rb.nm($t, "save")).save()) {
 (($t = format)?.html ? $t : $rb.nm($t, "html")).html(() => { return this.redirectTo(this.article, { notice: "Article was successfully created." }); });
 return (($t = format)?.json ? $t : $rb.nm($t, "json")).json(() => { return this.render("show", { status: "created", location: this.article }); }); } else {

 (($t = format)?.html ? $t : $rb.nm($t, "html")).html(() => { return this.render("new"); });
 return (($t = format)?.json ? $t : $rb.nm($t, "json")).json(() => { return this.render({ json: this.article.errors, status: "unprocessable_entity" }); }); }

 });
 }



 update() {
 return this.respondTo((format) => {
 if ((($t = this.article)?.update ? $t : $rb.nm($t, "update")).update(this.articleParams())) {
 (($t = format)?.html ? $t : $rb.nm($t, "html")).html(() => { return this.redirectTo(this.article, { notice: "Article was successfully updated." }); });
 return (($t = format)?.json ? $t : $rb.nm($t, "json")).json(() => { return this.render("show", { status: "ok", location: this.article }); }); } else {

 (($t = format)?.html ? $t : $rb.nm($t, "html")).html(() => { return this.render("edit"); });
 return (($t = format)?.json ? $t : $rb.nm($t, "json")).json(() => { return this.render({ json: this.article.errors, status: "unprocessable_entity" }); }); }

 });
 }



 destroy() {
 (($t = this.article)?.destroy ? $t : $rb.nm($t, "destroy")).destroy();
 return this.respondTo((format) => {
 (($t = format)?.html ? $t : $rb.nm($t, "html")).html(() => { return this.redirectTo($rb.g(this, "articlesUrl"), { notice: "Article was successfully destroyed." }); });
 return (($t = format)?.json ? $t : $rb.nm($t, "json")).json(() => { return this.head("no_content"); });
 });
 }



 setArticle() {
 return (this.article = (($t = Article)?.find ? $t : $rb.nm($t, "find")).find($rb.idx(this.params, "id")));
 }


 articleParams() {
 return (($t = (($t = this.params)?.require ? $t : $rb.nm($t, "require")).require("article"))?.permit ? $t : $rb.nm($t, "permit")).permit("title", "body");
 }
 }
