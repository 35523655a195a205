class CommentsController < ApplicationController
  before_action :set_article

  # POST /articles/1/comments
  def create
    @comment = @article.comments.build(comment_params)
    if @comment.save
      redirect_to @article, notice: "Comment was successfully created."
    else
      render "articles/show", status: :unprocessable_entity
    end
  end

  # DELETE /articles/1/comments/2
  def destroy
    comment = @article.comments.find(params[:id])
    comment.destroy
    redirect_to @article, notice: "Comment was successfully deleted.", status: :see_other
  end

  private
    def set_article
      @article = Article.find(params.expect(:article_id))
    end

    def comment_params
      params.expect(comment: [ :commenter, :body ])
    end
end
