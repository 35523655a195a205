import ApplicationController from "./application_controller.js";
import Article from "../models/article.js";

export default class ArticlesController extends ApplicationController {
  // GET /articles
  index() {
    this.articles = Article.includes("comments").order({ createdAt: "desc" });
    this.respondTo((format) => {
      format.html();
      format.json(() => this.render({ json: this.articles.map((a) => this.articleJson(a)) }));
    });
  }

  // GET /articles/1
  show() {
    this.comment = this.article.comments.build();
    this.respondTo((format) => {
      format.html();
      format.json(() => this.render({ json: this.articleJson(this.article) }));
    });
  }

  // GET /articles/new
  new() { this.article = new Article(); }

  // GET /articles/1/edit
  edit() {}

  // POST /articles
  create() {
    this.article = new Article(this.articleParams());
    this.respondTo((format) => {
      if (this.article.save()) {
        format.html(() => this.redirectTo(this.article, { notice: "Article was successfully created." }));
        format.json(() => this.render({ json: this.articleJson(this.article), status: "created", location: this.article }));
      } else {
        format.html(() => this.render("new", { status: "unprocessable_entity" }));
        format.json(() => this.render({ json: this.article.errors, status: "unprocessable_entity" }));
      }
    });
  }

  // PATCH/PUT /articles/1
  update() {
    this.respondTo((format) => {
      if (this.article.update(this.articleParams())) {
        format.html(() => this.redirectTo(this.article, { notice: "Article was successfully updated.", status: "see_other" }));
        format.json(() => this.render({ json: this.articleJson(this.article), status: "ok", location: this.article }));
      } else {
        format.html(() => this.render("edit", { status: "unprocessable_entity" }));
        format.json(() => this.render({ json: this.article.errors, status: "unprocessable_entity" }));
      }
    });
  }

  // DELETE /articles/1
  destroy() {
    this.article.destroy();
    this.respondTo((format) => {
      format.html(() => this.redirectTo(this.articlesPath(), { notice: "Article was successfully destroyed.", status: "see_other" }));
      format.json(() => this.head("no_content"));
    });
  }

  // ---- private ----
  setArticle() { this.article = Article.find(this.params.id); }

  articleParams() { return this.params.expect({ article: ["title", "body"] }); }

  // What the scaffold's _article.json.jbuilder renders.
  articleJson(article) {
    const { id, title, body, created_at, updated_at } = article.toJSON();
    return { id, title, body, created_at, updated_at, url: this.articleUrl(article, { format: "json" }) };
  }
}

ArticlesController.beforeAction("setArticle", { only: ["show", "edit", "update", "destroy"] });
