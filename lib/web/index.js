// lib/web/index.js — loaded into every quickrail runtime at boot (js_host.c), before the app.
// Installs the ES2022+ polyfills and the Web APIs as globals, then hands js_host.c its hooks
// (globalThis.__quickrailHooks, removed again by the host). Order matters: polyfills first.
import "./polyfills.js";
import "./events.js";
import "./console.js";
import "./encoding.js";
import "./timers.js";
import "./url.js";
import "./headers.js";
import "./blob.js";
import "./formdata.js";
import "./request.js";
import "./response.js";
import "./crypto.js";
import "./clone.js";
import "./random.js";
import "./sqlite.js";
import "./quickrail.js";
import { hooks } from "./hooks.js";

globalThis.__quickrailHooks = hooks;
