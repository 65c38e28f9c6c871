// Parley JS SDK: plain ES module, no build step, for browsers and Node 20+ (Node 20 needs
// --experimental-websocket for the WebSocket transport; the SSE and long-polling transports use
// fetch only). It keeps the delivery contract of docs/PROTOCOL.md like the Java SDK:
// - every send has a cid and stays in the outbox until acked; it is sent again, with the same cid,
//   after a reconnect or an ack time-out, and the server stores it once;
// - messages typed while disconnected wait in the outbox and go out in order on reconnect;
// - per conversation the highest contiguous seq is kept; a reconnect resumes from it
//   (hello.resume), duplicates are dropped and a gap is repaired with join {after};
// - reconnects back off exponentially with full jitter (1 s, 2 s, 4 s … capped at 30 s);
// - when a WebSocket cannot be opened, it falls back to Server-Sent Events plus HTTP POST, then to
//   HTTP long-polling, and tries WebSocket again later.

import { WebSocketTransport, SseTransport, LongPollTransport } from './transports.js';

/** @typedef {'idle'|'connecting'|'connected'|'reconnecting'|'closed'} ConnectionState */
/** @typedef {'websocket'|'sse'|'longpoll'} TransportName */

/**
 * @typedef {object} ParleyOptions
 * @property {string} url base URL of the server, e.g. `https://chat.example.com` (the SDK uses
 *   `/ws` and `/rt/…` under it)
 * @property {string} [site] the site whose visitor this client is (the widget's site id)
 * @property {string} [token] a token from an earlier `welcome`, or a JWT, to continue as that user
 * @property {() => (string|Promise<string>)} [tokenProvider] fresh tokens: asked a minute before
 *   the current one expires (sent in-band as `auth`) and after a 4401 close
 * @property {{user: string, password: string}} [login] agent login
 * @property {TransportName[]} [transports] in order of preference; default all three
 * @property {number} [initialBackoffMs] first reconnect delay cap (default 1000)
 * @property {number} [maxBackoffMs] largest reconnect delay cap (default 30000)
 * @property {number} [maxRetries] consecutive failed attempts before giving up (default Infinity)
 * @property {number} [ackTimeoutMs] resend an unacknowledged message after this long (default 10000)
 * @property {number} [upgradeIntervalMs] how often a fallback transport tries WebSocket again
 *   (default 60000)
 * @property {number} [openTimeoutMs] how long a transport may take to open (default 10000)
 * @property {typeof WebSocket} [WebSocket] a WebSocket constructor (default: the global one)
 * @property {typeof fetch} [fetch] a fetch function (default: the global one)
 */

/**
 * @typedef {object} Ack
 * @property {string} cid
 * @property {string} conv
 * @property {number} seq
 * @property {string} id
 * @property {number} ts
 */

/** Close codes after which reconnecting would repeat the mistake (see PROTOCOL.md#close-codes). */
const FATAL_CLOSE_CODES = new Set([1002, 1003, 1007, 1008, 1009]);
/** Error codes whose command may succeed if sent again unchanged. */
const RETRYABLE = new Set(['rate_limited', 'store_unavailable', 'shutting_down', 'internal']);

/** A random id for a message (`cid`). */
export function newCid() {
  if (globalThis.crypto?.randomUUID) {
    return globalThis.crypto.randomUUID();
  }
  return 'c-' + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 12);
}

/**
 * A streaming answer's text after a `delta`: the delta's text belongs at `offset`; only what lies
 * beyond what is held is appended (a snapshot after a reconnect overlaps what was held).
 * @param {string} held
 * @param {number} offset
 * @param {string} text
 */
export function mergeDelta(held, offset, text) {
  return offset + text.length > held.length ? held.slice(0, offset) + text : held;
}

/**
 * Full-jitter exponential backoff: a delay drawn uniformly from [0, min(max, initial·2^attempt)].
 * @param {number} attempt 0 for the first retry
 * @param {number} initialMs
 * @param {number} maxMs
 * @param {() => number} [random]
 */
export function backoffDelay(attempt, initialMs, maxMs, random = Math.random) {
  const cap = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * cap);
}

/**
 * One user's connection to a Parley server. Events (subscribe with {@link ParleyClient#on}):
 * `state` ({state, transport}), `welcome`, `message`, `ack`, `receipt`, `typing`, `presence`,
 * `conversation`, `answer`, `joined`, `left`, `history`, `error`, `authed`, `close` ({code, reason}).
 */
export class ParleyClient {
  /** @param {ParleyOptions} options */
  constructor(options) {
    if (!options || !options.url) {
      throw new TypeError('ParleyClient needs options.url');
    }
    this.options = {
      transports: ['websocket', 'sse', 'longpoll'],
      initialBackoffMs: 1000,
      maxBackoffMs: 30000,
      maxRetries: Infinity,
      ackTimeoutMs: 10000,
      upgradeIntervalMs: 60000,
      openTimeoutMs: 10000,
      // options left undefined keep their defaults
      ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
    };
    /** @type {ConnectionState} */
    this.state = 'idle';
    /** @type {TransportName|null} the transport in use while connected */
    this.transport = null;
    this.token = options.token ?? null;
    this.user = null;
    this.role = null;
    this.expiresAt = 0;
    this.duplicatesDropped = 0;
    /** @type {Map<string, Set<Function>>} */
    this._listeners = new Map();
    /** @type {Map<string, {seq: number, ahead: Map<number, object>, resyncing: boolean}>} */
    this._positions = new Map();
    /** @type {Map<string, {cid: string, conv: string, text: string, resolve: Function, reject: Function, sentAt: number}>} */
    this._outbox = new Map();
    this._level = 0;
    this._attempt = 0;
    this._generation = 0;
    this._current = null;
    this._timers = new Set();
    this._lastHeard = 0;
    this._heartbeatMs = 30000;
    this._refreshing = false;
    this._welcome = null;
  }

  /**
   * Subscribes to an event; returns a function that unsubscribes.
   * @param {string} type
   * @param {(event: any) => void} fn
   */
  on(type, fn) {
    if (!this._listeners.has(type)) {
      this._listeners.set(type, new Set());
    }
    this._listeners.get(type).add(fn);
    return () => this._listeners.get(type)?.delete(fn);
  }

  _emit(type, event) {
    for (const fn of this._listeners.get(type) ?? []) {
      try {
        fn(event);
      } catch (e) {
        console.error('parley: a listener of', type, 'failed', e);
      }
    }
  }

  /**
   * Connects; resolves with the first `welcome`, rejects when the client gives up or is closed.
   * @returns {Promise<object>}
   */
  connect() {
    if (!this._welcome) {
      this._welcome = new Promise((resolve, reject) => {
        this._resolveWelcome = resolve;
        this._rejectWelcome = reject;
      });
      this._welcome.catch(() => {});
      this._ticker = setInterval(() => this._tick(), 500);
      this._open();
    }
    return this._welcome;
  }

  /**
   * Subscribes to a conversation. With `afterSeq`, replays every message after it first.
   * @param {string} conv
   * @param {number} [afterSeq]
   */
  join(conv, afterSeq) {
    const known = this._positions.get(conv);
    const seq = afterSeq ?? known?.seq ?? -1;
    this._positions.set(conv, { seq, ahead: new Map(), resyncing: false });
    if (this.state === 'connected') {
      this._write(seq >= 0 ? { type: 'join', conv, after: seq } : { type: 'join', conv });
    }
  }

  /** @param {string} conv */
  leave(conv) {
    this._positions.delete(conv);
    this._write({ type: 'leave', conv });
  }

  /** The highest contiguous seq held of `conv`, or -1. @param {string} conv */
  position(conv) {
    return this._positions.get(conv)?.seq ?? -1;
  }

  /**
   * Sends a message; resolves with its ack once it is durable. Works while disconnected: the
   * message waits in the outbox and goes out, in order, on reconnect.
   * @param {string} conv
   * @param {string} text
   * @param {{cid?: string}} [opts]
   * @returns {Promise<Ack>}
   */
  send(conv, text, opts = {}) {
    const cid = opts.cid ?? newCid();
    const waiting = this._outbox.get(cid);
    if (waiting) {
      return waiting.promise; // the same message again: one send, one ack
    }
    let resolve;
    let reject;
    const promise = new Promise((res, rej) => {
      resolve = res;
      reject = rej;
    });
    if (this.state === 'closed') {
      reject(new Error('the client is closed'));
      return promise;
    }
    const pending = { cid, conv, text, resolve, reject, promise, sentAt: 0 };
    this._outbox.set(cid, pending);
    if (this.state === 'connected') {
      this._transmit(pending);
    }
    return promise;
  }

  /** Messages in the outbox (sent, not yet acknowledged), oldest first. */
  pending() {
    return [...this._outbox.values()].map(({ cid, conv, text }) => ({ cid, conv, text }));
  }

  /** @param {string} conv @param {boolean} on */
  typing(conv, on) {
    this._write({ type: 'typing', conv, on });
  }

  /** @param {string} conv @param {'delivered'|'read'} kind @param {number} seq */
  receipt(conv, kind, seq) {
    this._write({ type: 'receipt', conv, kind, seq });
  }

  /** Asks for older messages; the reply arrives as a `history` event. */
  history(conv, before, limit) {
    this._write({ type: 'history', conv, before, limit });
  }

  /** Visitor: ask for a human. */
  handoff(conv) {
    this._write({ type: 'handoff', conv });
  }

  /** Visitor: stop a streaming bot answer. */
  stop(conv, answer) {
    this._write({ type: 'stop', conv, answer });
  }

  /** Agent: take a conversation. */
  accept(conv) {
    this._write({ type: 'accept', conv });
  }

  /** Agent: hand a conversation to another agent. */
  transfer(conv, to) {
    this._write({ type: 'transfer', conv, to });
  }

  /** Agent: close a conversation. */
  resolve(conv) {
    this._write({ type: 'resolve', conv });
  }

  /** Agent: hand a conversation back to the bot; visitor: leave the queue. */
  backToBot(conv) {
    this._write({ type: 'back_to_bot', conv });
  }

  /** Closes for good; unacknowledged sends are rejected. */
  close() {
    if (this.state === 'closed') {
      return;
    }
    this._generation++;
    this._setState('closed');
    clearInterval(this._ticker);
    for (const t of this._timers) {
      clearTimeout(t);
    }
    this._timers.clear();
    this._current?.close();
    this._current = null;
    this._probe?.close();
    this._failAll('the client is closed');
    this._rejectWelcome?.(new Error('the client is closed'));
  }

  // ---- internals ----

  _later(ms, fn) {
    const t = setTimeout(() => {
      this._timers.delete(t);
      fn();
    }, ms);
    this._timers.add(t);
    return t;
  }

  _setState(state) {
    if (this.state !== state) {
      this.state = state;
      this._emit('state', { state, transport: this.transport });
    }
  }

  _transportFor(name) {
    const o = this.options;
    const common = { url: o.url, site: o.site, token: this.token, fetch: o.fetch, openTimeoutMs: o.openTimeoutMs };
    switch (name) {
      case 'websocket':
        return new WebSocketTransport({ ...common, WebSocket: o.WebSocket });
      case 'sse':
        return new SseTransport(common);
      case 'longpoll':
        return new LongPollTransport(common);
      default:
        throw new TypeError('unknown transport ' + name);
    }
  }

  _open() {
    const gen = ++this._generation;
    const names = this.options.transports;
    const name = names[Math.min(this._level, names.length - 1)];
    this._setState(this._attempt === 0 && !this.user ? 'connecting' : 'reconnecting');
    const t = this._transportFor(name);
    this._current = t;
    let opened = false;
    t.onframe = (text) => {
      if (gen === this._generation) {
        this._onFrame(text);
      }
    };
    t.onclose = (code, reason) => {
      if (gen !== this._generation) {
        return;
      }
      if (!opened) {
        this._openFailed(name, reason);
        return;
      }
      this._closed(code, reason);
    };
    t.onopen = () => {
      if (gen !== this._generation) {
        return;
      }
      opened = true;
      this.transport = name;
      this._lastHeard = Date.now();
      this._hello();
    };
    t.open();
  }

  /** A transport could not open: fall back to the next one, or back off and start again at the top. */
  _openFailed(name, reason) {
    const names = this.options.transports;
    if (this._level < names.length - 1) {
      this._level++;
      this._open();
      return;
    }
    this._level = 0;
    this._retry(`could not connect (${name}: ${reason ?? 'failed'})`);
  }

  _closed(code, reason) {
    this._emit('close', { code, reason });
    this.transport = null;
    if (FATAL_CLOSE_CODES.has(code)) {
      this._generation++;
      this._setState('closed');
      clearInterval(this._ticker);
      this._failAll(`closed by the server: ${code} ${reason ?? ''}`);
      this._rejectWelcome?.(new Error(`closed by the server: ${code}`));
      return;
    }
    if (code === 4401) {
      this._refreshAfterExpiry();
      return;
    }
    this._retry(`closed: ${code} ${reason ?? ''}`);
  }

  async _refreshAfterExpiry() {
    const o = this.options;
    try {
      this.token = o.tokenProvider ? await o.tokenProvider() : o.login ? null : this.token;
    } catch (e) {
      console.warn('parley: the token provider failed', e);
    }
    this._retry('token expired');
  }

  _retry(why) {
    if (this.state === 'closed') {
      return;
    }
    this._current = null;
    this._generation++;
    if (this._attempt >= this.options.maxRetries) {
      this._setState('closed');
      clearInterval(this._ticker);
      this._failAll(`gave up after ${this._attempt} attempts: ${why}`);
      this._rejectWelcome?.(new Error(`gave up: ${why}`));
      return;
    }
    this._setState('reconnecting');
    const delay = backoffDelay(this._attempt, this.options.initialBackoffMs, this.options.maxBackoffMs);
    this._attempt++;
    this._later(delay, () => {
      if (this.state !== 'closed') {
        this._open();
      }
    });
  }

  _hello() {
    const resume = {};
    for (const [conv, p] of this._positions) {
      p.resyncing = false;
      p.ahead.clear();
      if (p.seq >= 0) {
        resume[conv] = p.seq;
      }
    }
    const o = this.options;
    /** @type {any} */
    const hello = { type: 'hello', v: 1 };
    const login = !this.token && o.login;
    if (login) {
      hello.user = o.login.user;
      hello.password = o.login.password;
    } else if (this.token) {
      hello.token = this.token;
    }
    if (Object.keys(resume).length) {
      hello.resume = resume;
    }
    if (o.site) {
      hello.site = o.site;
    }
    this._helloPending = true;
    this._write(hello, true);
  }

  _write(command, evenIfNotConnected = false) {
    if (this._current && (this.state === 'connected' || evenIfNotConnected)) {
      this._current.send(JSON.stringify(command));
    }
  }

  _transmit(p) {
    p.sentAt = Date.now();
    if (!this._paused) {
      this._write({ type: 'send', cid: p.cid, conv: p.conv, text: p.text });
    }
  }

  _pauseSends(ms) {
    if (this._paused) {
      return;
    }
    this._paused = true;
    this._later(ms, () => {
      this._paused = false;
      if (this.state === 'connected') {
        for (const p of this._outbox.values()) {
          this._transmit(p);
        }
      }
    });
  }

  _failAll(why) {
    for (const p of this._outbox.values()) {
      p.reject(new Error(why));
    }
    this._outbox.clear();
  }

  _tick() {
    const now = Date.now();
    if (this.state !== 'connected') {
      return;
    }
    if (now - this._lastHeard > this._heartbeatMs * 2 + 5000) {
      // Nothing heard (a browser cannot see WebSocket pings, so the SDK pings too): reconnect.
      const t = this._current;
      this._generation++;
      t?.close();
      this._closed(1006, 'server silent');
      return;
    }
    if (now - this._lastPing > this._heartbeatMs || !this._lastPing) {
      this._lastPing = now;
      this._write({ type: 'ping' });
    }
    for (const p of this._outbox.values()) {
      if (now - p.sentAt > this.options.ackTimeoutMs) {
        this._transmit(p);
      }
    }
    const o = this.options;
    if (this.expiresAt && o.tokenProvider && !this._refreshing && now > this.expiresAt - 60000) {
      this._refreshing = true;
      Promise.resolve().then(() => o.tokenProvider()).then((fresh) => {
        this.token = fresh;
        this._write({ type: 'auth', token: fresh });
      }, (e) => console.warn('parley: the token provider failed; the connection closes at expiry', e));
    }
  }

  /** While on a fallback transport, tries WebSocket now and then; moves back up when it opens. */
  _scheduleUpgrade() {
    const names = this.options.transports;
    if (this._level === 0 || names[0] !== 'websocket') {
      return;
    }
    const gen = this._generation;
    this._later(this.options.upgradeIntervalMs, () => {
      if (gen !== this._generation || this.state !== 'connected') {
        return;
      }
      const probe = this._transportFor('websocket');
      this._probe = probe;
      probe.onframe = () => {};
      probe.onclose = () => {
        if (gen === this._generation) {
          this._scheduleUpgrade();
        }
      };
      probe.onopen = () => {
        probe.onclose = () => {};
        probe.close();
        if (gen !== this._generation || this.state !== 'connected') {
          return;
        }
        // WebSocket works again: leave the fallback and resume over WebSocket.
        const old = this._current;
        this._level = 0;
        this._attempt = 0;
        this._generation++;
        old?.close();
        this._open();
      };
      probe.open();
    });
  }

  _onFrame(text) {
    this._lastHeard = Date.now();
    let push;
    try {
      push = JSON.parse(text);
    } catch {
      return;
    }
    switch (push.type) {
      case 'welcome':
        this._welcomed(push);
        break;
      case 'joined':
        this._joined(push);
        break;
      case 'message':
        this._message(push);
        return;
      case 'ack':
        this._acked(push);
        break;
      case 'error':
        this._error(push);
        break;
      case 'authed':
        this.expiresAt = push.expiresAt ?? 0;
        this._refreshing = false;
        break;
      case 'pong':
        return;
      default:
        break;
    }
    this._emit(push.type, push);
  }

  _welcomed(w) {
    this._helloPending = false;
    this.token = w.token;
    this.user = w.user;
    this.role = w.role;
    this.expiresAt = w.expiresAt ?? 0;
    this._refreshing = false;
    this._heartbeatMs = w.heartbeatMs || 30000;
    this._attempt = 0;
    this._setState('connected');
    this._resolveWelcome?.(w);
    for (const [conv, p] of this._positions) {
      if (p.seq < 0) {
        this._write({ type: 'join', conv });
      }
    }
    for (const p of this._outbox.values()) {
      this._transmit(p);
    }
    this._scheduleUpgrade();
  }

  _joined(j) {
    let p = this._positions.get(j.conv);
    if (!p) {
      // The server joined us (a visitor's conversation): its replay starts at `from`.
      p = { seq: j.from, ahead: new Map(), resyncing: false };
      this._positions.set(j.conv, p);
      return;
    }
    if (p.seq < 0 || p.resyncing) {
      p.seq = p.seq < 0 ? j.from : Math.min(p.seq, j.from);
      p.resyncing = false;
      this._drain(j.conv, p);
    }
  }

  _message(m) {
    const p = this._positions.get(m.conv);
    const mine = m.cid != null && m.from === this.user ? this._outbox.get(m.cid) : undefined;
    if (mine) {
      // Our own message is durable even if its ack was lost.
      this._outbox.delete(m.cid);
      mine.resolve({ type: 'ack', cid: m.cid, conv: m.conv, seq: m.seq, id: m.id, ts: m.ts });
    }
    if (!p || p.seq < 0) {
      return;
    }
    if (m.seq <= p.seq || p.ahead.has(m.seq)) {
      this.duplicatesDropped++;
      return;
    }
    if (m.seq === p.seq + 1) {
      p.seq = m.seq;
      this._emit('message', m);
      this._drain(m.conv, p);
      return;
    }
    p.ahead.set(m.seq, m);
    if (!p.resyncing) {
      p.resyncing = true;
      this._write({ type: 'join', conv: m.conv, after: p.seq });
    }
  }

  _drain(conv, p) {
    for (let next = p.ahead.get(p.seq + 1); next; next = p.ahead.get(p.seq + 1)) {
      p.ahead.delete(next.seq);
      p.seq = next.seq;
      this._emit('message', next);
    }
    for (const seq of p.ahead.keys()) {
      if (seq <= p.seq) {
        p.ahead.delete(seq);
      }
    }
  }

  _acked(a) {
    const p = this._outbox.get(a.cid);
    if (p) {
      this._outbox.delete(a.cid);
      p.resolve(a);
    }
  }

  _error(e) {
    if (e.code === 'unauthorized' && this._helloPending && e.field !== 'site') {
      // hello refused: the token is not (or no longer) valid. Start over as a new anonymous user,
      // or with the provider's token; an agent's wrong password is final.
      const o = this.options;
      if (o.login && e.field === 'password') {
        this.close();
        return;
      }
      this.token = null;
      if (o.tokenProvider) {
        Promise.resolve().then(() => o.tokenProvider()).then((t) => {
          this.token = t;
          this._hello();
        });
      } else {
        this._hello();
      }
      return;
    }
    if (!e.cid) {
      return;
    }
    const p = this._outbox.get(e.cid);
    if (!p) {
      return;
    }
    if (RETRYABLE.has(e.code) || e.retry) {
      // Throttled or not stored: hold every send for a moment, then send the outbox again in order,
      // so that a burst over the rate limit still arrives in the order it was typed.
      this._pauseSends(1000 + Math.random() * 500);
      return;
    }
    this._outbox.delete(e.cid);
    const err = new Error(e.message);
    err.code = e.code;
    err.field = e.field;
    p.reject(err);
  }
}
