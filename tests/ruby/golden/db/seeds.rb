# quickrail db:seed — runs once after db:prepare creates the database.
welcome = Article.create!(title: "Welcome to quickrail",
                          body: "This blog is a Rails app in Ruby, compiled to JavaScript.")
welcome.comments.create!(commenter: "Ada", body: "Live updates without writing any JavaScript!")
3.times do |i|
  Article.create!(title: "Post #{i + 1}", body: "Body of post number #{i + 1}.")
end
