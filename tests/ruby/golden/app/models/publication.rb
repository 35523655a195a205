# Rails macros on a model: a concern, enum, delegate, define_method, and retry in a rescue.
class Publication < ApplicationRecord
  include Sluggable
  belongs_to :author
  enum :status, { draft: 0, published: 1 }, prefix: true
  delegate :name, :email, to: :author, prefix: :writer, allow_nil: true

  define_method(:loud_title) { |suffix = "!"| title.upcase + suffix }

  def fetch_remote(limit)
    attempts = 0
    begin
      attempts += 1
      Article.find_by!(title: title)
    rescue ActiveRecord::RecordNotFound => e
      retry if attempts < limit
      raise
    ensure
      @fetched = attempts
    end
  end
end
