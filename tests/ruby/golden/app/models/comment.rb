class Comment < ApplicationRecord
  belongs_to :article
  validates :commenter, :body, presence: true
  # Live comment list on the article's page...
  broadcasts_to ->(comment) { "article_#{comment.article_id}_comments" }, target: "comments"
  # ...and the article's entry on the index (its comment count) after each change.
  after_create_commit { article.broadcast_replace_to "articles" }
  after_destroy_commit do
    article.broadcast_replace_to("articles") unless destroyed_by_association
  end
end
