// bench/lib/free-port.mjs — a free TCP port on 127.0.0.1 (the kernel picks it; closed before
// it is returned, so the server under test can bind it). Used by bench/startup/*.mjs.
import net from "node:net";

export function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}
