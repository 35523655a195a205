module Sluggable
  extend ActiveSupport::Concern

  included do
    before_validation :assign_slug
    has_many :redirects, dependent: :destroy
  end

  class_methods do
    def find_by_slug!(slug)
      find_by!(slug: slug)
    end
  end

  def to_param
    slug
  end

  private

  def assign_slug
    self.slug ||= title.to_s.parameterize
  end
end
