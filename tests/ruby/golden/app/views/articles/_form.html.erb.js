let $t; const $rb = __h.__rb; const __e = __h.__escape, __r = __h.__raw; const __saved = __c.o; __c.o = []; try { __c.o.push(__e(__h.formWith({ model: $rb.lv(__l, __h, "article"), class: "contents" }, (form) => { __c.o.push("\n");
 if ($rb.any($rb.lv(__l, __h, "article").errors)) {
 __c.o.push("    <div id=\"error_explanation\" class=\"bg-red-50 text-red-600 px-3 py-2 font-medium rounded-lg mt-3\">\n      <h2>");
 __c.o.push(__e(__h.pluralize($rb.count($rb.lv(__l, __h, "article").errors), "error"))); __c.o.push(" prohibited this article from being saved:</h2>\n\n      <ul class=\"list-disc ml-6\">\n");


 { for (const error of $rb.iter($rb.lv(__l, __h, "article").errors)) {
 __c.o.push("          <li>"); __c.o.push(__e($rb.g(error, "fullMessage"))); __c.o.push("</li>\n");
 } }
 __c.o.push("      </ul>\n    </div>\n"); }


 __c.o.push("\n  <div class=\"my-5\">\n    ");

 __c.o.push(__e((($t = form)?.label ? $t : $rb.nm($t, "label")).label("title"))); __c.o.push("\n");
 __c.o.push("    "); __c.o.push(__e((($t = form)?.textField ? $t : $rb.nm($t, "textField")).textField("title", { class: "block shadow-sm rounded-md border border-gray-300 outline-none px-3 py-2 mt-2 w-full" }))); __c.o.push("\n");
 __c.o.push("  </div>\n\n  <div class=\"my-5\">\n    ");


 __c.o.push(__e((($t = form)?.label ? $t : $rb.nm($t, "label")).label("body"))); __c.o.push("\n");
 __c.o.push("    "); __c.o.push(__e((($t = form)?.textArea ? $t : $rb.nm($t, "textArea")).textArea("body", { rows: 4, class: "block shadow-sm rounded-md border border-gray-300 outline-none px-3 py-2 mt-2 w-full" }))); __c.o.push("\n");
 __c.o.push("  </div>\n\n  <div class=\"inline\">\n    ");


 __c.o.push(__e((($t = form)?.submit ? $t : $rb.nm($t, "submit")).submit({ class: "rounded-lg py-3 px-5 bg-indigo-600 text-white inline-block font-medium cursor-pointer" }))); __c.o.push("\n");
 __c.o.push("  </div>\n");
 }))); return __c.o.join(""); } catch ($e) { throw __h.__templateError($e, "app/views/articles/_form.html.erb", $rb.tplLine($e)); } finally { __c.o = __saved; }
