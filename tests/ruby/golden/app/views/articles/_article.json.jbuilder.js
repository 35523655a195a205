let $t; const $rb = __h.__rb;  try { json.extractBang($rb.lv(__l, __h, "article"), "id", "title", "body", "created_at", "updated_at");
 json.set("url", __h.articleUrl($rb.lv(__l, __h, "article"), { format: "json" })); } catch ($e) { throw __h.__templateError($e, "app/views/articles/_article.json.jbuilder", $rb.tplLine($e)); }
