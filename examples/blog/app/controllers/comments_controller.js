import ApplicationController from "./application_controller.js";
import Article from "../models/article.js";

export default class CommentsController extends ApplicationController {
  // POST /articles/1/comments
  create() {
    this.comment = this.article.comments.build(this.commentParams());
    if (this.comment.save()) {
      this.redirectTo(this.article, { notice: "Comment was successfully created." });
    } else {
      this.render("articles/show", { status: "unprocessable_entity" });
    }
  }

  // DELETE /articles/1/comments/2
  destroy() {
    const comment = this.article.comments.find(this.params.id);
    comment.destroy();
    this.redirectTo(this.article, { notice: "Comment was successfully deleted.", status: "see_other" });
  }

  // ---- private ----
  setArticle() { this.article = Article.find(this.params.article_id); }

  commentParams() { return this.params.expect({ comment: ["commenter", "body"] }); }
}

CommentsController.beforeAction("setArticle");
