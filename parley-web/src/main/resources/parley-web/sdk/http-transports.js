// @ts-check
// The fallback transports (docs/PROTOCOL.md#fallback-transports): a session opened with
// POST /rt/open → {sid}; server→client over GET /rt/<sid>/events (Server-Sent Events read with
// fetch, resumed with ?lastEventId= after a broken stream: a query parameter rather than the
// Last-Event-ID header, so that a cross-origin page needs no CORS preflight) or over
// GET /rt/<sid>/poll?after=<id> (long-polling); client→server over POST /rt/<sid>/send (one
// command per line, ?ack=<last event id>). Single-threaded: the page's (or Node's) event loop.

import { Transport } from './transport.js';

/** @typedef {import('./transport.js').TransportOptions} TransportOptions */

/** What SSE and long-polling share: the session, and commands over POST in order. */
class HttpSessionTransport extends Transport {
  /** @param {TransportOptions} opts @param {'sse'|'longpoll'} kind */
  constructor(opts, kind) {
    super(opts);
    this.kind = kind;
    /** @type {typeof fetch} */
    this.fetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
    this.base = new URL('/', opts.url).toString().replace(/\/$/, '');
    /** @type {string|null} the session id /rt/open answered */
    this.sid = null;
    /** @type {number} the last event id received */
    this.lastId = 0;
    /** @type {number} the last event id the server was told of */
    this.ackedId = 0;
    /** @type {string[]} commands waiting for the next POST */
    this.outgoing = [];
    /** @type {boolean} a POST is in flight */
    this.posting = false;
    this.abort = new AbortController();
    /** @type {ReturnType<typeof setInterval>|undefined} */
    this.ticker = undefined;
  }

  async _openSession() {
    // The session's key, made here, so that a load balancer can route every request of the
    // session (this one included) to the same node by hashing it.
    const bytes = new Uint8Array(16);
    globalThis.crypto.getRandomValues(bytes);
    const key = btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    const res = await this._timed(this.fetch(`${this.base}/rt/open?transport=${this.kind}&key=${key}`
      + (this.opts.site ? `&site=${encodeURIComponent(this.opts.site)}` : ''), {
      method: 'POST', signal: this.abort.signal, credentials: 'omit',
    }));
    if (res.status !== 200) {
      throw new Error(`open: HTTP ${res.status} ${(await res.text()).trim()}`);
    }
    const body = await res.json();
    this.sid = body.sid;
  }

  /** @template T @param {Promise<T>} promise @returns {Promise<T>} */
  _timed(promise) {
    const ms = this.opts.openTimeoutMs ?? 10000;
    /** @type {Promise<never>} */
    const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), ms));
    return Promise.race([promise, timeout]);
  }

  /** @override @param {string} text */
  send(text) {
    this.outgoing.push(text);
    this._flush();
  }

  /** Posts queued commands one request at a time, so they arrive in order. @param {boolean} [ackOnly] */
  async _flush(ackOnly = false) {
    if (this.posting || this._done || !this.sid || (!this.outgoing.length && !ackOnly)) {
      return;
    }
    this.posting = true;
    const batch = this.outgoing.splice(0);
    const ack = this.lastId;
    try {
      const res = await this.fetch(`${this.base}/rt/${this.sid}/send?ack=${ack}`, {
        method: 'POST', body: batch.join('\n'), headers: { 'Content-Type': 'text/plain' },
        signal: this.abort.signal, credentials: 'omit',
      });
      if (res.status === 404) {
        this._fail(1006, 'session lost');
        return;
      }
      if (res.status >= 400) {
        this._fail(1008, `send refused: HTTP ${res.status}`);
        return;
      }
      this.ackedId = ack;
    } catch (e) {
      this._fail(1006, 'send failed: ' + e);
      return;
    } finally {
      this.posting = false;
    }
    if (this.outgoing.length) {
      this._flush();
    }
  }

  _ackTicker() {
    this.ticker = setInterval(() => {
      if (this.lastId > this.ackedId) {
        this._flush(true);
      }
    }, 5000);
  }

  /** @param {number} code @param {string} reason */
  _fail(code, reason) {
    clearInterval(this.ticker);
    this.abort.abort();
    this._finish(code, reason);
  }

  /** @override */
  close() {
    if (this._done) {
      return;
    }
    this._done = true;
    clearInterval(this.ticker);
    this.abort.abort();
    if (this.sid) {
      this.fetch(`${this.base}/rt/${this.sid}/close`, { method: 'POST', credentials: 'omit' }).catch(() => {});
    }
  }
}

/** Server-Sent Events (over fetch) for server→client, POST for client→server. */
export class SseTransport extends HttpSessionTransport {
  /** @param {TransportOptions} opts */
  constructor(opts) {
    super(opts, 'sse');
  }

  /** @override */
  async open() {
    try {
      await this._openSession();
      await this._stream(true);
    } catch (e) {
      this._fail(1006, e instanceof Error ? e.message : String(e));
    }
  }

  /**
   * Reads the event stream; reattaches after the last event id when it breaks while the session lives.
   * @param {boolean} first
   */
  async _stream(first) {
    let reattempts = 0;
    for (;;) {
      /** @type {Response|null} */
      let res;
      try {
        const after = this.lastId > 0 ? `?lastEventId=${this.lastId}` : '';
        res = await this.fetch(`${this.base}/rt/${this.sid}/events${after}`, {
          headers: { Accept: 'text/event-stream' }, signal: this.abort.signal, credentials: 'omit', cache: 'no-store',
        });
      } catch (e) {
        if (this._done) {
          return;
        }
        if (first) {
          throw e;
        }
        res = null;
      }
      if (res && res.status === 404) {
        this._fail(1006, 'session lost');
        return;
      }
      if (res && res.status === 200 && res.body) {
        if (first) {
          first = false;
          this._ackTicker();
          this.onopen();
        }
        reattempts = 0;
        const closed = await this._read(res.body);
        if (closed || this._done) {
          return;
        }
      } else if (first) {
        throw new Error(`events: HTTP ${res?.status}`);
      }
      // The stream broke: pick it up where it stopped, a couple of times, then give up.
      if (++reattempts > 2) {
        this._fail(1006, 'event stream lost');
        return;
      }
      await new Promise((r) => setTimeout(r, 300 * reattempts));
      if (this._done) {
        return;
      }
    }
  }

  /** @param {ReadableStream<Uint8Array>} body @returns {Promise<boolean>} true when the server closed the session */
  async _read(body) {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    let event = 'message';
    /** @type {string[]} */
    let data = [];
    /** @type {string|null} */
    let id = null;
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) {
          return false;
        }
        buffer += decoder.decode(value, { stream: true });
        let nl;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          let line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          if (line.endsWith('\r')) {
            line = line.slice(0, -1);
          }
          if (line === '') {
            if (event === 'ping') {
              this.onframe('{"type":"pong"}');
            } else if (data.length) {
              if (id !== null) {
                this.lastId = Number(id);
              }
              const text = data.join('\n');
              if (event === 'close') {
                const c = JSON.parse(text);
                this._fail(c.code, c.reason);
                return true;
              }
              this.onframe(text);
            }
            event = 'message';
            data = [];
            id = null;
          } else if (line.startsWith(':')) {
            // a comment: the server's keep-alive
          } else {
            const colon = line.indexOf(':');
            const field = colon < 0 ? line : line.slice(0, colon);
            const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (field === 'data') {
              data.push(value);
            } else if (field === 'event') {
              event = value;
            } else if (field === 'id') {
              id = value;
            }
          }
        }
      }
    } catch {
      return false;
    }
  }
}

/** Long-polling for server→client, POST for client→server. */
export class LongPollTransport extends HttpSessionTransport {
  /** @param {TransportOptions} opts */
  constructor(opts) {
    super(opts, 'longpoll');
  }

  /** @override */
  async open() {
    try {
      await this._openSession();
    } catch (e) {
      this._fail(1006, e instanceof Error ? e.message : String(e));
      return;
    }
    this.onopen();
    this._poll();
  }

  async _poll() {
    let failures = 0;
    while (!this._done) {
      /** @type {{frames?: {id: number, data: unknown}[], close?: {code: number, reason: string}}} */
      let body;
      try {
        const res = await this.fetch(`${this.base}/rt/${this.sid}/poll?after=${this.lastId}`, {
          signal: this.abort.signal, credentials: 'omit', cache: 'no-store',
        });
        if (res.status === 404) {
          this._fail(1006, 'session lost');
          return;
        }
        if (res.status !== 200) {
          throw new Error(`HTTP ${res.status}`);
        }
        body = await res.json();
        failures = 0;
      } catch (e) {
        if (this._done) {
          return;
        }
        if (++failures > 2) {
          this._fail(1006, 'poll failed: ' + e);
          return;
        }
        await new Promise((r) => setTimeout(r, 300 * failures));
        continue;
      }
      for (const f of body.frames ?? []) {
        if (f.id > this.lastId) {
          this.lastId = f.id;
          this.onframe(JSON.stringify(f.data));
        }
      }
      this.ackedId = this.lastId;
      if (body.close) {
        this._fail(body.close.code, body.close.reason);
        return;
      }
    }
  }
}
