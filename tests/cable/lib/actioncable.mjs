// Loads the real @rails/actioncable client into Node: `ws` supplies WebSocket (with an Origin
// header, as a browser sends one), and the few browser globals the client touches
// (addEventListener for visibilitychange, document.visibilityState) get minimal stand-ins.
import WS from "ws";
import ActionCable from "@rails/actioncable";

globalThis.addEventListener ??= () => {};
globalThis.removeEventListener ??= () => {};
globalThis.document ??= { visibilityState: "visible" };

// The WebSocket class the consumer uses, sending Origin: origin.
export function webSocketWithOrigin(origin) {
  return class extends WS {
    constructor(url, protocols) { super(url, protocols, { headers: { origin }, perMessageDeflate: false }); }
  };
}

// createConsumer(url) with a per-consumer Origin. The client reads adapters.WebSocket when it
// opens a socket, so it is set before every open.
export function createConsumer(url, origin) {
  ActionCable.adapters.WebSocket = webSocketWithOrigin(origin);
  ActionCable.adapters.logger = { log() {} };
  const consumer = ActionCable.createConsumer(url);
  const open = consumer.connection.open.bind(consumer.connection);
  consumer.connection.open = (...a) => { ActionCable.adapters.WebSocket = webSocketWithOrigin(origin); return open(...a); };
  return consumer;
}

// Subscribes and resolves with { subscription, received: [...], status } once confirmed or rejected.
export function subscribe(consumer, params, timeoutMs = 5000) {
  return new Promise((resolve, reject) => {
    const received = [];
    const t = setTimeout(() => reject(new Error(`no confirmation for ${JSON.stringify(params)}`)), timeoutMs);
    const state = { received, status: "pending", waiters: [] };
    state.subscription = consumer.subscriptions.create(params, {
      connected() { clearTimeout(t); state.status = "connected"; resolve(state); },
      rejected() { clearTimeout(t); state.status = "rejected"; resolve(state); },
      received(data) { received.push(data); for (const w of state.waiters.splice(0)) w(); },
    });
  });
}

// Waits until state.received has at least n items.
export function waitReceived(state, n, timeoutMs = 5000) {
  return new Promise((resolve, reject) => {
    const check = () => { if (state.received.length >= n) { clearTimeout(t); resolve(state.received); return true; } return false; };
    const t = setTimeout(() => reject(new Error(`received ${state.received.length} of ${n}`)), timeoutMs);
    if (check()) return;
    const loop = () => { if (!check()) state.waiters.push(loop); };
    state.waiters.push(loop);
  });
}

export { ActionCable };
