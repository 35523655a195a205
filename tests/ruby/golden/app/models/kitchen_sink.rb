# Ruby constructs a Rails app leans on, one per line where possible.
class KitchenSink < ApplicationRecord
  STATES = %w[draft published archived].freeze
  before_save :normalize_title
  validate :title_is_polite

  def self.search(query, limit: 10, **opts)
    where("title LIKE ?", "%#{query}%").limit(limit)
  end

  def label(prefix = "#", *rest)
    parts = [prefix, id.to_s] + rest
    parts.compact.join("-")
  end

  def summary
    return "untitled" if title.blank?
    words = title.split
    text = words.first(3).map(&:upcase).join(" ")
    text << "..." if words.size > 3
    text
  end

  def status_badge
    case state
    when "draft" then "gray"
    when "published", "live" then "green"
    else
      "red"
    end
  end

  def counts
    totals = {}
    comments.each_with_index do |comment, i|
      next if comment.body.nil?
      totals[comment.commenter] ||= 0
      totals[comment.commenter] += i
    end
    totals
  end

  def safe_author_name
    author&.name || "anonymous"
  end

  def each_word
    title.to_s.split.each { |w| yield w }
  end

  def risky
    begin
      Integer(title)
    rescue ArgumentError => e
      puts "not a number: #{e.message}"
      0
    ensure
      @checked = true
    end
  end

  def heredoc
    <<~TEXT
      Title: #{title}
      Done
    TEXT
  end

  def tally(n)
    i = 0
    i += 1 while i < n
    until i.zero?
      i -= 2
    end
    x = n > 2 ? :big : :small
    unless x == :big
      return 7 / 2
    end
    [1, 2, 3].select { |v| v.odd? }.sum
  end

  private
    def normalize_title
      self.title = title.strip.squish if title.present?
    end

    def title_is_polite
      errors.add(:title, "is rude") if title.to_s.include?("!!!")
    end
end
