import ApplicationController from "../../app/controllers/application_controller.rb"; import Article from "../../app/models/article.rb"; import * as $rb from "quickrail/ruby"; let $t; export default class CommentsController extends ApplicationController {
 static $2 = void this.beforeAction("setArticle");


 create() {
 (this.comment = $rb.g(this.article, "comments").build(this.commentParams()));
 if (this.comment.save()) {
 return this.redirectTo(this.article, { notice: "Comment was successfully created." }); } else {

 return this.render("articles/show", { status: "unprocessable_entity" }); }

 }


 destroy() { let comment;
 (comment = $rb.g(this.article, "comments").find($rb.idx(this.params, "id")));
 comment.destroy();
 return this.redirectTo(this.article, { notice: "Comment was successfully deleted.", status: "see_other" });
 }


 setArticle() {
 return (this.article = Article.find(this.params.expect("article_id")));
 }

 commentParams() {
 return this.params.expect({ comment: ["commenter", "body"] });
 }
 }
