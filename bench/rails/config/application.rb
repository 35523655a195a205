# bench/rails/config/application.rb — the Rails 6.1 (Debian ruby-rails) shell around
# examples/blog-ruby for the bench's Rails + Puma peer. No Gemfile and no Bundler: everything
# is loaded from the system gems Debian installs (scripts/setup-bench.sh), so it boots offline.
require "rails"
require "active_record/railtie"
require "action_controller/railtie"
require "action_view/railtie"
require "action_cable/engine"
require "jbuilder"

module BlogRails
  class Application < Rails::Application
    config.load_defaults 6.1
    config.eager_load = true
    config.cache_classes = true
    config.consider_all_requests_local = false
    config.log_level = :warn
    config.logger = ActiveSupport::Logger.new($stdout)
    config.public_file_server.enabled = true
    config.action_cable.mount_path = nil  # not mounted: the blog workload is HTTP only
    config.action_cable.url = "/cable"
    # one CSRF token per session, as quickrail issues (bench/blog/seed.mjs takes the first form's)
    config.action_controller.per_form_csrf_tokens = false
    config.secret_key_base = ENV.fetch("SECRET_KEY_BASE")
  end
end
