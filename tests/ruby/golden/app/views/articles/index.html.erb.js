let $t; const $rb = __h.__rb; const __e = __h.__escape, __r = __h.__raw; const __saved = __c.o; __c.o = []; try { __h.contentFor("title", "Articles");
 __c.o.push(__e(__h.turboStreamFrom("articles"))); __c.o.push("\n");
 __c.o.push("\n<div class=\"w-full\">\n");

 if ($rb.present($rb.lv(__l, __h, "notice"))) {
 __c.o.push("    <p class=\"py-2 px-3 bg-green-50 mb-5 text-green-600 font-medium rounded-lg inline-block\" id=\"notice\">"); __c.o.push(__e($rb.lv(__l, __h, "notice"))); __c.o.push("</p>\n"); }

 __c.o.push("\n  <div class=\"flex justify-between items-center\">\n    <h1 class=\"font-bold text-4xl\">Articles</h1>\n    ");


 __c.o.push(__e(__h.linkTo("New article", $rb.lv(__l, __h, "new_article_path", "newArticlePath"), { class: "rounded-lg py-3 px-5 bg-indigo-600 text-white block font-medium" }))); __c.o.push("\n");
 __c.o.push("  </div>\n\n  <div id=\"articles\" class=\"min-w-full mt-6 space-y-4\">\n    ");


 __c.o.push(__e(__h.render(__a.articles))); __c.o.push("\n");
 __c.o.push("  </div>\n</div>\n"); return __c.o.join(""); } catch ($e) { throw __h.__templateError($e, "app/views/articles/index.html.erb", $rb.tplLine($e)); } finally { __c.o = __saved; }
