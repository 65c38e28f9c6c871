// What the JS SDK tests share: waiting for a condition, a TCP proxy that fails like a network,
// and a client with short timings. Not a test file itself (Node's runner skips it).
import net from 'node:net';
import { ParleyClient } from '../../main/resources/parley-web/sdk/parley.js';

/** The server under test (started by parley-testkit's JsSdkTest). */
export const BASE = process.env.PARLEY_URL;
/** Options for every test that talks to a server. */
export const T = { timeout: 45000 };

/** The server's URL, or an error saying how to get one. @returns {string} */
export function server() {
  if (!BASE) {
    throw new Error('set PARLEY_URL to a running Parley server');
  }
  return BASE;
}

/** Resolves when `check()` is truthy, polling; fails after `ms`. */
export async function until(check, ms = 10000, what = 'condition') {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v) {
      return v;
    }
    if (Date.now() > deadline) {
      throw new Error('timed out waiting for ' + what);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * A TCP proxy to the server that fails like a network: it cuts every connection through it, refuses
 * new ones, freezes the open ones (bytes vanish, nothing closes), or sends the client a WebSocket
 * close frame as if the server had closed.
 */
export async function proxy() {
  const serverPort = Number(new URL(server()).port);
  /** @type {Map<net.Socket, {peer: net.Socket, frozen: boolean}>} client sockets and their upstream */
  const pairs = new Map();
  let refusing = false;
  const listener = net.createServer((client) => {
    if (refusing) {
      client.destroy();
      return;
    }
    const upstream = net.connect(serverPort, '127.0.0.1');
    const pair = { peer: upstream, frozen: false };
    pairs.set(client, pair);
    client.on('data', (b) => pair.frozen || upstream.write(b));
    upstream.on('data', (b) => pair.frozen || client.write(b));
    const drop = () => {
      client.destroy();
      upstream.destroy();
      pairs.delete(client);
    };
    for (const s of [client, upstream]) {
      s.on('error', drop);
      s.on('close', drop);
    }
  });
  await new Promise((r) => listener.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${listener.address().port}`,
    /** Resets every connection through the proxy; returns how many sockets it cut. */
    cut() {
      const n = pairs.size * 2;
      for (const [client, { peer }] of pairs) {
        client.resetAndDestroy ? client.resetAndDestroy() : client.destroy();
        peer.destroy();
      }
      pairs.clear();
      return n;
    },
    refuse(on) {
      refusing = on;
    },
    /** From now on the open connections carry nothing, and stay open (new ones work). */
    freeze() {
      for (const pair of pairs.values()) {
        pair.frozen = true;
      }
    },
    /** Sends each client a WebSocket close frame with `code` (as the server would), then ends it. */
    closeAsServer(code) {
      for (const [client, { peer }] of pairs) {
        peer.destroy();
        client.end(Buffer.from([0x88, 0x02, code >> 8, code & 0xff]));
      }
      pairs.clear();
    },
    close() {
      this.cut();
      listener.close();
    },
  };
}

/** A client with short timings. */
export function client(url, opts = {}) {
  return new ParleyClient({ url, initialBackoffMs: 50, maxBackoffMs: 300, ackTimeoutMs: 2000, ...opts });
}

/** Records the `message` events of a client, per conversation. */
export function recorder(c) {
  const got = new Map();
  c.on('message', (m) => {
    if (!got.has(m.conv)) {
      got.set(m.conv, []);
    }
    got.get(m.conv).push(m);
  });
  return (conv) => got.get(conv) ?? [];
}

/** A Storage in memory (what localStorage is to the SDK). */
export class MemoryStorage {
  constructor() {
    this.map = new Map();
  }

  getItem(k) {
    return this.map.has(k) ? this.map.get(k) : null;
  }

  setItem(k, v) {
    this.map.set(k, String(v));
  }

  removeItem(k) {
    this.map.delete(k);
  }
}

/** The global WebSocket, counting the connections made and the frames sent. */
export function countingWebSocket() {
  const counts = { opened: 0, frames: [] };
  class Counting extends WebSocket {
    constructor(...args) {
      super(...args);
      counts.opened++;
    }

    send(data) {
      counts.frames.push(String(data));
      super.send(data);
    }
  }
  return { WebSocket: Counting, counts };
}

/**
 * A WebSocket whose server is the test: it opens at once, records what the client sends and lets
 * the test push frames — for checking the order of commands without a server's timing.
 */
export function scriptedWebSocket() {
  const sockets = [];
  class Scripted {
    constructor(url) {
      this.url = url;
      this.readyState = 0;
      this.sent = [];
      sockets.push(this);
      queueMicrotask(() => {
        this.readyState = 1;
        this.onopen?.({});
      });
    }

    send(data) {
      this.sent.push(JSON.parse(String(data)));
    }

    close() {
      this.readyState = 3;
    }

    /** The server sends `push`. */
    push(push) {
      this.onmessage?.({ data: JSON.stringify(push) });
    }
  }
  return { WebSocket: Scripted, sockets };
}

/**
 * A client (token `t`) on a scripted WebSocket whose hello went out: `ws` takes the server's frames
 * (`push`) and holds the client's commands (`sent`); `welcome()` welcomes it as `user`.
 * @param {{user?: string, role?: string}} [o]
 */
export async function scriptedClient({ user = 'v_1', role = 'visitor' } = {}) {
  const { WebSocket, sockets } = scriptedWebSocket();
  const c = client('http://127.0.0.1:1', { transports: ['websocket'], WebSocket, token: 't' });
  c.connect();
  await until(() => sockets[0]?.sent.length === 1, 10000, 'the hello');
  const ws = sockets[0];
  const welcome = () => ws.push({ type: 'welcome', session: 's', user, role, token: 't', heartbeatMs: 30000 });
  return { c, ws, welcome };
}
