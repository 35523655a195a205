Rails.application.routes.draw do
  resources :articles do
    resources :comments, only: %i[ create destroy ]
  end

  # Defines the root path route ("/")
  root "articles#index"
end
