class HomeController < ApplicationController
  def index
    @greeting = "Hello from quickrail"
  end
end
