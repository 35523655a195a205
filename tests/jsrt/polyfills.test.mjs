// ES2022+ polyfills of lib/web/polyfills.js, each checked inside a real quickrail runtime.
import { checkScript } from "./helpers.mjs";
await checkScript("polyfills.js");
