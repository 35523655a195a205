module ApplicationHelper
  # The page's <title>: "Articles · Blog", or "Blog" when the view set none.
  def page_title(title)
    title.present? ? "#{title} · Blog" : "Blog"
  end
end
