# Rack entry point of the bench's Rails peer (puma -e production config.ru).
require_relative "config/environment"
run Rails.application
