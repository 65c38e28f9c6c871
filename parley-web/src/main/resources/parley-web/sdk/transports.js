// @ts-check
// The three ways a ParleyClient reaches the server. Each carries protocol frames (JSON text) both
// ways and reports: onopen(), onframe(text), onclose(code, reason). onclose before onopen means
// "could not open" (the client then falls back to the next transport).
//
// - WebSocketTransport: /ws (RFC 6455).
// - SseTransport and LongPollTransport (http-transports.js): a session over plain HTTP, for
//   networks where a WebSocket cannot open.
// See docs/PROTOCOL.md#fallback-transports. Single-threaded: the page's (or Node's) event loop.

import { Transport } from './transport.js';

/** @typedef {import('./transport.js').TransportOptions} TransportOptions */

/**
 * ws(s)://host/ws from an http(s) base URL, naming the site when there is one: the server checks a
 * page's origin against that site's allowed origins at the handshake. With `hello`, the request
 * carries the connection's hello too (docs/PROTOCOL.md#hello-in-the-url: `hello=1` and options).
 * @param {string} base @param {string} [site] @param {Record<string, string>|null} [hello]
 * @returns {string}
 */
export function webSocketUrl(base, site, hello = null) {
  const u = new URL('/ws', base);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  if (site) {
    u.searchParams.set('site', site);
  }
  for (const [name, value] of Object.entries(hello ?? {})) {
    u.searchParams.set(name, value);
  }
  return u.toString();
}

/** RFC 6455 at /ws. */
export class WebSocketTransport extends Transport {
  /** @param {TransportOptions} opts */
  constructor(opts) {
    super(opts);
    /** @type {WebSocket|null} */
    this.ws = null;
  }

  /** @override */
  open() {
    const WS = this.opts.WebSocket ?? globalThis.WebSocket;
    if (!WS) {
      queueMicrotask(() => this._finish(1006, 'no WebSocket in this environment'));
      return;
    }
    /** @type {WebSocket} */
    let ws;
    try {
      ws = new WS(webSocketUrl(this.opts.url, this.opts.site, this.opts.hello));
    } catch (e) {
      queueMicrotask(() => this._finish(1006, String(e)));
      return;
    }
    this.ws = ws;
    const timer = setTimeout(() => {
      if (ws.readyState !== 1) {
        try { ws.close(); } catch { /* already closing */ }
        this._finish(1006, 'open timed out');
      }
    }, this.opts.openTimeoutMs ?? 10000);
    ws.onopen = () => {
      clearTimeout(timer);
      this.onopen();
    };
    ws.onmessage = (e) => {
      if (typeof e.data === 'string') {
        this.onframe(e.data);
      }
    };
    ws.onclose = (e) => {
      clearTimeout(timer);
      this._finish(e.code || 1006, e.reason || 'closed');
    };
    ws.onerror = () => {
      // A failure (some runtimes fire no close event after it): the connection is unusable.
      clearTimeout(timer);
      ws.onerror = ws.onclose = ws.onmessage = ws.onopen = null;
      queueMicrotask(() => this._finish(1006, 'connection failed'));
    };
  }

  /** @override @param {string} text */
  send(text) {
    if (this.ws && this.ws.readyState === 1) {
      this.ws.send(text);
    }
  }

  /** @override */
  close() {
    this._done = true;
    try { this.ws?.close(1000); } catch { /* closed */ }
  }
}

export { Transport } from './transport.js';
export { SseTransport, LongPollTransport } from './http-transports.js';
