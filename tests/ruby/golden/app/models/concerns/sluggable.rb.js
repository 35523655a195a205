import * as $rb from "quickrail/ruby"; let $t; export default $rb.concern(class Sluggable {


 static $included = function () {
 this.beforeValidation("assignSlug");
 this.hasMany("redirects", { dependent: "destroy" });
 };


 static findBySlugBang(slug) {
 return this.findByBang({ slug: slug });
 }


 toParam() {
 return $rb.g(this, "slug");
 }



 assignSlug() {
 return (($t = this.slug) != null && $t !== false ? $t : (this.slug = $rb.core0.parameterize($rb.s($rb.g(this, "title")))));
 }
 });
