import ApplicationRecord from "../../app/models/application_record.rb"; import * as $rb from "quickrail/ruby"; let $t; export default class Article extends ApplicationRecord {
 static $2 = void this.hasMany("comments", { dependent: "destroy" });
 static $3 = void this.validates("title", { presence: true });
 static $4 = void this.validates("body", { presence: true, length: { minimum: 10 } });

 static $6 = void this.broadcastsTo((article) => { return "articles"; }, { insertsBy: "prepend" });

 static $8 = void this.scope("recent", () => { return (($t = this.order({ created_at: "desc" }))?.limit ? $t : $rb.nm($t, "limit")).limit(5); });
 }
