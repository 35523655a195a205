# bin/rails db:seed (quickrail db:seed) — runs once after db:prepare creates the database.
welcome = Article.create!(
  title: "Welcome to quickrail",
  body: "This blog is a Rails app written in Ruby, compiled by quickrail and served by a supervised pool of QuickJS workers. Open it in two tabs and watch changes arrive live over Action Cable."
)
welcome.comments.create!(commenter: "Ada", body: "Live updates without writing any JavaScript!")

Article.create!(
  title: "Turbo Streams",
  body: "Create, comment on or delete an article here, and every other open page updates through a Turbo Stream broadcast after the transaction commits."
)
