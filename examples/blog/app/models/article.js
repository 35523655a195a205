import { ApplicationRecord } from "quickrail";

export default class Article extends ApplicationRecord {}

Article.hasMany("comments", { dependent: "destroy" });
Article.validates("title", { presence: true });
Article.validates("body", { presence: true, length: { minimum: 10 } });
// New articles are prepended to every open index page; edits replace, deletes remove.
Article.broadcastsTo(() => "articles", { insertsBy: "prepend" });
