class Article < ApplicationRecord
  has_many :comments, dependent: :destroy
  validates :title, presence: true
  validates :body, presence: true, length: { minimum: 10 }
  # New articles are prepended to every open index page; edits replace, deletes remove.
  broadcasts_to ->(article) { "articles" }, inserts_by: :prepend

  scope :recent, -> { order(created_at: :desc).limit(5) }
end
