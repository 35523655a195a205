import ApplicationRecord from "../../app/models/application_record.rb"; import * as $rb from "quickrail/ruby"; let $t; export default class Comment extends ApplicationRecord {
 static $2 = void this.belongsTo("article");
 static $3 = void this.validates("commenter", "body", { presence: true });

 static $5 = void this.broadcastsTo((comment) => { return `article_${$rb.s($rb.g(comment, "articleId"))}_comments`; }, { target: "comments" });

 static $7 = void this.afterCreateCommit(function () { return (($t = $rb.g(this, "article"))?.broadcastReplaceTo ? $t : $rb.nm($t, "broadcastReplaceTo")).broadcastReplaceTo("articles"); });
 static $8 = void this.afterDestroyCommit(function () {
 if (!(($t = $rb.g(this, "destroyedByAssociation")) != null && $t !== false)) { return (($t = $rb.g(this, "article"))?.broadcastReplaceTo ? $t : $rb.nm($t, "broadcastReplaceTo")).broadcastReplaceTo("articles"); } else { return null; }
 });
 }
