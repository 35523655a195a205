# Lets examples/blog-ruby (written for current Rails and turbo-rails) run unchanged on Debian's
# Rails 6.1, which has no turbo-rails package:
# - ActionController::Parameters#expect (Rails 8) as require/permit;
# - ActiveRecord::Base.primary_abstract_class (Rails 7) as abstract_class = true;
# - Migration[8.0] runs as the current (6.1) migration API;
# - turbo-rails' model broadcasts are no-ops (Action Cable is not part of the blog workload)
#   and turbo_stream_from renders the same <turbo-cable-stream-source> element turbo-rails does.
class ActionController::Parameters
  def expect(*args)
    return require(args.first) if args.size == 1 && !args.first.is_a?(Hash)
    out = args.map { |a| a.is_a?(Hash) ? a.map { |k, v| require(k).permit(*v) } : [require(a)] }.flatten(1)
    out.size == 1 ? out.first : out
  end
end

class ActiveRecord::Base
  def self.primary_abstract_class
    self.abstract_class = true
  end

  def self.broadcasts_to(*) end
  def broadcast_replace_to(*) end
end

module ActiveRecord::Migration::Compatibility
  class << self
    alias_method :blog_find, :find
    def find(version)
      version.to_s.to_f > 6.1 ? ActiveRecord::Migration::Current : blog_find(version)
    end
  end
end

module TurboStreamFromHelper
  def turbo_stream_from(*streamables)
    name = streamables.map { |s| s.respond_to?(:to_gid_param) ? s.to_gid_param : s.to_s }.join(":")
    signed = Base64.strict_encode64(name.to_json)
    tag.turbo_cable_stream_source(channel: "Turbo::StreamsChannel", "signed-stream-name": signed)
  end
end
ActiveSupport.on_load(:action_view) { include TurboStreamFromHelper }

# ArticlesController#show builds the comment form's record with @article.comments.build; on
# real Rails that unsaved record joins @article.comments and `render @article.comments` fails on
# it (no created_at, no id for its Delete button). quickrail lists saved comments only; this
# keeps the form's record out of the association so both servers render the same page.
module BlogShowUnsavedComment
  def show
    super
    @comment = Comment.new(article_id: @article.id)
    @article.association(:comments).reset
  end
end
Rails.application.config.to_prepare { ArticlesController.prepend(BlogShowUnsavedComment) }
