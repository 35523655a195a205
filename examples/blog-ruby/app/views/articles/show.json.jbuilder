json.partial! "articles/article", article: @article
