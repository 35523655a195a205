import { ApplicationRecord } from "quickrail";

export default class Comment extends ApplicationRecord {}

Comment.belongsTo("article");
Comment.validates("commenter", "body", { presence: true });
// Live comment list on the article's page...
Comment.broadcastsTo((comment) => `article_${comment.articleId}_comments`, { target: "comments" });
// ...and the article's entry on the index (its comment count) after each change.
Comment.afterCreateCommit(function () { this.article.broadcastReplaceTo("articles"); });
Comment.afterDestroyCommit(function () {
  if (!this.destroyedByAssociation) this.article.broadcastReplaceTo("articles");
});
