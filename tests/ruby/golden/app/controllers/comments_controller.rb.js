import ApplicationController from "../../app/controllers/application_controller.rb"; import Article from "../../app/models/article.rb"; import * as $rb from "quickrail/ruby"; let $t; export default class CommentsController extends ApplicationController {
 static $2 = void this.beforeAction("setArticle");


 create() {
 (this.comment = (($t = $rb.g(this.article, "comments"))?.build ? $t : $rb.nm($t, "build")).build(this.commentParams()));
 if ((($t = this.comment)?.save ? $t : $rb.nm($t, "save")).save()) {
 return this.redirectTo(this.article, { notice: "Comment was successfully created." }); } else {

 return this.render("articles/show", { status: "unprocessable_entity" }); }

 }


 destroy() { let comment;
 (comment = (($t = $rb.g(this.article, "comments"))?.find ? $t : $rb.nm($t, "find")).find($rb.idx(this.params, "id")));
 (($t = comment)?.destroy ? $t : $rb.nm($t, "destroy")).destroy();
 return this.redirectTo(this.article, { notice: "Comment was successfully deleted.", status: "see_other" });
 }


 setArticle() {
 return (this.article = (($t = Article)?.find ? $t : $rb.nm($t, "find")).find((($t = this.params)?.expect ? $t : $rb.nm($t, "expect")).expect("article_id")));
 }

 commentParams() {
 return (($t = this.params)?.expect ? $t : $rb.nm($t, "expect")).expect({ comment: ["commenter", "body"] });
 }
 }
