Rails.application.routes.draw do
  resources :articles do
    resources :comments, only: [:create, :destroy]
    member do
      post :publish
    end
  end
  namespace :admin do
    resources :users, except: %i[destroy]
  end
  get "about", to: "pages#about", as: :about
  root "articles#index"
end
