// lib/node-host/bun_sqlite.js — `import { Database } from "bun:sqlite"` on the Node host.
import { Database } from "./globals.js";
export { Database };
export default Database;
