// The three ways a ParleyClient reaches the server. Each carries protocol frames (JSON text) both
// ways and reports: onopen(), onframe(text), onclose(code, reason). onclose before onopen means
// "could not open" (the client then falls back to the next transport).
//
// - WebSocketTransport: /ws (RFC 6455).
// - SseTransport: POST /rt/open → {sid}; server→client over GET /rt/<sid>/events
//   (text/event-stream, resumed with Last-Event-ID after a broken stream); client→server over
//   POST /rt/<sid>/send (one command per line, ?ack=<last event id>).
// - LongPollTransport: the same session; server→client over GET /rt/<sid>/poll?after=<id>.
// See docs/PROTOCOL.md#fallback-transports.

/** ws(s)://host/ws from an http(s) base URL. @param {string} base */
export function webSocketUrl(base) {
  const u = new URL('/ws', base);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  return u.toString();
}

class Transport {
  constructor(opts) {
    this.opts = opts;
    this.onopen = () => {};
    this.onframe = () => {};
    this.onclose = () => {};
    this._done = false;
  }

  _finish(code, reason) {
    if (!this._done) {
      this._done = true;
      this.onclose(code, reason);
    }
  }
}

export class WebSocketTransport extends Transport {
  open() {
    const WS = this.opts.WebSocket ?? globalThis.WebSocket;
    if (!WS) {
      queueMicrotask(() => this._finish(1006, 'no WebSocket in this environment'));
      return;
    }
    let ws;
    try {
      ws = new WS(webSocketUrl(this.opts.url));
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

  send(text) {
    if (this.ws && this.ws.readyState === 1) {
      this.ws.send(text);
    }
  }

  close() {
    this._done = true;
    try { this.ws?.close(1000); } catch { /* closed */ }
  }
}

/** What SSE and long-polling share: the session, and commands over POST in order. */
class HttpSessionTransport extends Transport {
  constructor(opts, kind) {
    super(opts);
    this.kind = kind;
    this.fetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
    this.base = new URL('/', opts.url).toString().replace(/\/$/, '');
    this.lastId = 0;
    this.ackedId = 0;
    this.outgoing = [];
    this.posting = false;
    this.abort = new AbortController();
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

  _timed(promise) {
    const ms = this.opts.openTimeoutMs ?? 10000;
    return Promise.race([promise, new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), ms))]);
  }

  send(text) {
    this.outgoing.push(text);
    this._flush();
  }

  /** Posts queued commands one request at a time, so they arrive in order. */
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

  _fail(code, reason) {
    clearInterval(this.ticker);
    this.abort.abort();
    this._finish(code, reason);
  }

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

export class SseTransport extends HttpSessionTransport {
  constructor(opts) {
    super(opts, 'sse');
  }

  async open() {
    try {
      await this._openSession();
      await this._stream(true);
    } catch (e) {
      this._fail(1006, String(e.message ?? e));
    }
  }

  /** Reads the event stream; reattaches with Last-Event-ID when it breaks while the session lives. */
  async _stream(first) {
    let reattempts = 0;
    for (;;) {
      let res;
      try {
        const headers = { Accept: 'text/event-stream' };
        if (this.lastId > 0) {
          headers['Last-Event-ID'] = String(this.lastId);
        }
        res = await this.fetch(`${this.base}/rt/${this.sid}/events`, {
          headers, signal: this.abort.signal, credentials: 'omit', cache: 'no-store',
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

  /** @returns {Promise<boolean>} true when the server closed the session */
  async _read(body) {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    let event = 'message';
    let data = [];
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

export class LongPollTransport extends HttpSessionTransport {
  constructor(opts) {
    super(opts, 'longpoll');
  }

  async open() {
    try {
      await this._openSession();
    } catch (e) {
      this._fail(1006, String(e.message ?? e));
      return;
    }
    this.onopen();
    this._poll();
  }

  async _poll() {
    let failures = 0;
    while (!this._done) {
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
