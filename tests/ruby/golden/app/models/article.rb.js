import ApplicationRecord from "../../app/models/application_record.rb"; let $t; export default class Article extends ApplicationRecord {
 static $2 = void this.hasMany("comments", { dependent: "destroy" });
 static $3 = void this.validates("title", { presence: true });
 static $4 = void this.validates("body", { presence: true, length: { minimum: 10 } });

 static $6 = void this.broadcastsTo((article) => { return "articles"; }, { insertsBy: "prepend" });

 static $8 = void this.scope("recent", () => { return this.order({ created_at: "desc" }).limit(5); });
 }
