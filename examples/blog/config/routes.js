// Rails.application.routes.draw do ... end
export default (r) => {
  r.resources("articles", () => {
    r.resources("comments", { only: ["create", "destroy"] });
  });
  r.root("articles#index");
};
