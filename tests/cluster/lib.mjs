// Helpers of the cluster tests: two quickrail nodes (the cable fixture app) sharing one Redis or
// PostgreSQL, real @rails/actioncable consumers and raw Action Cable sockets on each node.
import { start } from "../cable/lib/server.mjs";
import { createConsumer, subscribe, waitReceived } from "../cable/lib/actioncable.mjs";
import { RawCable, turboId, token, broadcast } from "../cable/lib/raw.mjs";

export { start, subscribe, waitReceived, RawCable, turboId, token, broadcast };

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function until(check, timeoutMs, what) {
  const end = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try { last = await check(); if (last) return last; } catch (e) { last = e; }
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${last})`);
    await sleep(50);
  }
}

// Tracks consumers and raw sockets so that `closeAll` ends them.
export function clients() {
  const consumers = [], raws = [];
  return {
    consumer(node) {
      const c = createConsumer(`ws://127.0.0.1:${node.port}/cable`, node.origin);
      consumers.push(c);
      return c;
    },
    raw(node, opts) { const r = new RawCable(node.port, opts); raws.push(r); return r; },
    closeAll() {
      for (const c of consumers.splice(0)) c.disconnect();
      for (const r of raws.splice(0)) r.close();
    },
  };
}

// Subscribes a real @rails/actioncable consumer on node to the Turbo stream `name`.
export async function turboSubscriber(cl, node, name) {
  const t = await token(node, name);
  const sub = await subscribe(cl.consumer(node), { channel: "Turbo::StreamsChannel", signed_stream_name: t });
  if (sub.status !== "connected") throw new Error(`subscription to ${name} on ${node.url}: ${sub.status}`);
  return sub;
}

// Subscribes a raw socket on node to the Turbo stream `name`; resolves with { raw, id }.
export async function rawSubscriber(cl, node, name) {
  const raw = cl.raw(node);
  await raw.opened;
  await raw.waitFor((m) => m.type === "welcome");
  const id = turboId(await token(node, name));
  raw.subscribe(id);
  await raw.waitFor((m) => m.type === "confirm_subscription" && m.identifier === id);
  return { raw, id };
}

// Frames of raw carrying a message for identifier id.
export const messagesOf = (raw, id) => raw.frames.filter((f) => f.json && f.json.identifier === id && "message" in f.json);
