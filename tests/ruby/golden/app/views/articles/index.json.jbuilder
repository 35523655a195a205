json.array! @articles, partial: "articles/article", as: :article
