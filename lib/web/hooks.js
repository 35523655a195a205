// lib/web/hooks.js — what js_host.c calls from C: makeRequest (per HTTP request),
// responseParts (per response), reseed (after fork). Never visible to apps.
import { Request } from "./request.js";
import { responseParts } from "./response.js";
import { reseed } from "./random.js";

export const hooks = Object.freeze({
  makeRequest: Request._fromHost,
  responseParts,
  reseed,
});
