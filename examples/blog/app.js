// The blog's entry module (quickrail loads it once, in the zygote): the default export is
// `{ fetch(request, env) }`, built by the framework from the app's models, controllers,
// routes and views (app/views is read and compiled at boot).
import { Application } from "quickrail";
import Article from "./app/models/article.js";
import Comment from "./app/models/comment.js";
import ArticlesController from "./app/controllers/articles_controller.js";
import CommentsController from "./app/controllers/comments_controller.js";
import * as ApplicationHelper from "./app/helpers/application_helper.js";
import routes from "./config/routes.js";

export default Application.create({
  models: [Article, Comment],
  controllers: [ArticlesController, CommentsController],
  helpers: [ApplicationHelper],
  routes,
});
