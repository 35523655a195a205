module ApplicationHelper
  def page_title(title)
    title ? "#{title} · Blog" : "Blog"
  end

  def nav_link(name, path)
    link_to name, path, class: "nav"
  end
end
