let $t; export default (r) => {
 r.resources("articles", () => {
 r.resources("comments", { only: ["create", "destroy"] });
 return r.member(() => {
 return r.post("publish");
 });
 });
 r.namespace("admin", () => {
 return r.resources("users", { except: ["destroy"] });
 });
 r.get("about", { to: "pages#about", as: "about" });
 r.root("articles#index");
 };
