import ApplicationRecord from "../../app/models/application_record.rb"; import Sluggable from "../../app/models/concerns/sluggable.rb"; import Article from "../../app/models/article.rb"; import { RecordNotFound } from "quickrail"; import * as $rb from "quickrail/ruby"; let $t;
 export default class Publication extends ApplicationRecord {
 static $3 = void $rb.includeConcern(this, Sluggable);
 static $4 = void this.belongsTo("author");
 static $5 = void $rb.enumMacro(this, "status", { draft: 0, published: 1 }, { prefix: true });
 static $6 = void $rb.delegate(this, "name", "email", { to: "author", prefix: "writer", allow_nil: true });

 static $8 = void $rb.defineMethod(this, "loud_title", function (suffix = "!") { return $rb.add($rb.upcase($rb.g(this, "title")), suffix); });

 fetchRemote(limit) { let attempts, e;
 (attempts = 0);
 $retry1: for (;;) { try {
 (attempts = (attempts + 1));
 return (($t = Article)?.findByBang ? $t : $rb.nm($t, "findByBang")).findByBang({ title: $rb.g(this, "title") }); } catch ($e) {
 if ($e instanceof RecordNotFound) { e = $e;
 if ((attempts < limit)) { continue $retry1; }
 throw $rb.raise($e); } else throw $e; }

 finally { (this.fetched = attempts); } break; }

 }
 }
