// lib/node-host/register.js — maps the module specifiers quickrail's runtime knows
// ("quickrail", "quickrail/x", "bun:sqlite") onto this repository's files for Node 20.
// Use: `node --import ./lib/node-host/register.js ...`, or import it before a dynamic import.
import { register } from "node:module";
register(new URL("./hooks.js", import.meta.url).href, import.meta.url);
