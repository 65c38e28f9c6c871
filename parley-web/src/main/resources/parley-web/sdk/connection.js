// @ts-check
// How a ParleyClient stays connected (docs/CLIENTS.md#states): it opens a transport, falling back
// from WebSocket to SSE to long-polling when one cannot open; after a loss it waits a full-jitter
// backoff and opens again, unless the browser says the network is back (then at once, when the
// loss was the network's and not a close the server chose); it pings and treats silence as a
// loss; on a fallback it tries WebSocket again now and then. What the frames mean is the client's.

import { WebSocketTransport, SseTransport, LongPollTransport } from './transports.js';
import { watchConnectivity } from './connectivity.js';
import { backoffDelay } from './backoff.js';

/** @typedef {import('./transport.js').Transport} Transport */
/** @typedef {import('./connectivity.js').EventSource} EventSource */
/** @typedef {import('./connectivity.js').VisibilitySource} VisibilitySource */
/** @typedef {'websocket'|'sse'|'longpoll'} TransportName */

/**
 * @typedef {object} ConnectionOptions
 * @property {string} url
 * @property {string} [site]
 * @property {TransportName[]} transports
 * @property {number} initialBackoffMs
 * @property {number} maxBackoffMs
 * @property {number} maxRetries
 * @property {number} upgradeIntervalMs
 * @property {number} openTimeoutMs
 * @property {number} probeTimeoutMs
 * @property {() => number} random
 * @property {EventSource} [window]
 * @property {VisibilitySource} [document]
 * @property {typeof WebSocket} [WebSocket]
 * @property {typeof fetch} [fetch]
 */

/**
 * What the connection tells its client.
 * @typedef {object} ConnectionHooks
 * @property {(transport: TransportName, helloInUrl: boolean) => void} opened a transport is open:
 *   say hello (helloInUrl: its opening request carried the hello, so wait for the welcome)
 * @property {() => (Record<string, string>|null)} helloQuery the hello a new WebSocket's request
 *   may carry (docs/PROTOCOL.md#hello-in-the-url), or null: the hello goes in a frame
 * @property {(text: string) => void} frame a frame arrived
 * @property {(code: number, reason: string) => (Promise<boolean>|boolean)} lost the connection
 *   ended; answer (or resolve) whether to reconnect (false: the client stops)
 * @property {(reconnecting: boolean) => void} waiting opening, or waiting to (reconnecting: not the
 *   first attempt)
 * @property {(why: string, attempts: number) => void} gaveUp `maxRetries` attempts failed
 * @property {() => string|null} token the token a new transport presents at its handshake
 */

/** The close code of a connection that ended without a close from the server (RFC 6455 7.1.5). */
export const ABNORMAL = 1006;

/**
 * One client's connection, through whichever transport works. Single-threaded: the page's (or
 * Node's) event loop.
 */
export class Connection {
  /** @param {ConnectionOptions} options @param {ConnectionHooks} hooks */
  constructor(options, hooks) {
    this.options = options;
    this.hooks = hooks;
    /** @type {TransportName|null} the transport in use while open */
    this.transport = null;
    /** @type {boolean} between start() and stop() */
    this._running = false;
    /** @type {boolean} a welcome has come on some connection: later opens are reconnects */
    this._established = false;
    /** @type {number} index into the transports being tried */
    this._level = 0;
    /** @type {number} consecutive failed attempts, reset by established() */
    this._attempt = 0;
    /** @type {number} bumped whenever the current transport is abandoned: older callbacks are ignored */
    this._generation = 0;
    /** @type {Transport|null} */
    this._current = null;
    /** @type {Transport|null} a WebSocket tried while on a fallback */
    this._probe = null;
    /** @type {Set<ReturnType<typeof setTimeout>>} every pending timer, cleared by stop() */
    this._timers = new Set();
    /** @type {ReturnType<typeof setTimeout>|null} the pending reconnect, while waiting for it */
    this._retryTimer = null;
    /** @type {number} when the pending reconnect is due (epoch ms); 0 when none is pending */
    this.nextAttemptAt = 0;
    /** @type {boolean} the last connection was closed by the server: its reconnect keeps the jitter */
    this._serverClosed = false;
    /** @type {number} when a frame last arrived (epoch ms) */
    this._lastHeard = 0;
    /** @type {number} when a ping last went out (epoch ms) */
    this._lastPing = 0;
    /** @type {number} a liveness probe's deadline (epoch ms), 0 when none runs */
    this._probeDeadline = 0;
    /** @type {number} the server's ping interval (welcome.heartbeatMs) */
    this._heartbeatMs = 30000;
    /** @type {(() => void)|null} stops watching `online` and visibility */
    this._unwatch = null;
  }

  /** Opens the first transport and starts watching the network. */
  start() {
    this._running = true;
    this._unwatch = watchConnectivity(this.options.window, this.options.document, () => this._networkBack());
    this._open();
  }

  /** Ends everything for good. */
  stop() {
    this._running = false;
    this._generation++;
    this._unwatch?.();
    this._unwatch = null;
    for (const t of this._timers) {
      clearTimeout(t);
    }
    this._timers.clear();
    this._current?.close();
    this._current = null;
    this._probe?.close();
    this.transport = null;
    this._retryTimer = null;
    this.nextAttemptAt = 0;
  }

  /** The server welcomed us: attempts start again from 0; a fallback starts trying WebSocket. @param {number} [heartbeatMs] */
  established(heartbeatMs) {
    this._established = true;
    this._attempt = 0;
    this._heartbeatMs = heartbeatMs || 30000;
    this._scheduleUpgrade();
  }

  /** Writes a frame if a transport is open. @param {string} text */
  send(text) {
    this._current?.send(text);
  }

  /**
   * The client's periodic check (every 500 ms while it is connected): a silent server, or a probe
   * left unanswered, counts as a loss; a ping goes out every heartbeat.
   */
  tick() {
    const now = Date.now();
    const silent = now - this._lastHeard > this._heartbeatMs * 2 + 5000;
    const probeFailed = this._probeDeadline > 0 && now > this._probeDeadline;
    if (silent || probeFailed) {
      // Nothing heard (a browser cannot see WebSocket pings, so the SDK pings too): reconnect.
      this._abandon(silent ? 'server silent' : 'no answer after the network came back');
      return;
    }
    if (now - this._lastPing > this._heartbeatMs || !this._lastPing) {
      this._ping();
    }
  }

  // ---- internals ----

  /** @param {number} ms @param {() => void} fn @returns {ReturnType<typeof setTimeout>} */
  _later(ms, fn) {
    const t = setTimeout(() => {
      this._timers.delete(t);
      fn();
    }, ms);
    this._timers.add(t);
    return t;
  }

  _ping() {
    this._lastPing = Date.now();
    this.send(JSON.stringify({ type: 'ping' }));
  }

  /**
   * @param {TransportName} name @param {Record<string, string>|null} [hello] the hello its request
   *   carries @returns {Transport}
   */
  _transportFor(name, hello = null) {
    const o = this.options;
    const common = { url: o.url, site: o.site, token: this.hooks.token(), hello, fetch: o.fetch, openTimeoutMs: o.openTimeoutMs };
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
    this._retryTimer = null;
    this.nextAttemptAt = 0;
    const gen = ++this._generation;
    const names = this.options.transports;
    const name = names[Math.min(this._level, names.length - 1)];
    this.hooks.waiting(this._attempt > 0 || this._established);
    // Only a WebSocket's request carries a hello: the fallbacks' streams begin after their open.
    const hello = name === 'websocket' ? this.hooks.helloQuery() : null;
    const t = this._transportFor(name, hello);
    this._current = t;
    let opened = false;
    t.onframe = (text) => {
      if (gen === this._generation) {
        this._lastHeard = Date.now();
        this._probeDeadline = 0;
        this.hooks.frame(text);
      }
    };
    t.onclose = (code, reason) => {
      if (gen !== this._generation) {
        return;
      }
      if (opened) {
        this._lost(code, reason);
      } else {
        this._openFailed(name, reason);
      }
    };
    t.onopen = () => {
      if (gen !== this._generation) {
        return;
      }
      opened = true;
      this.transport = name;
      this._lastHeard = Date.now();
      this._probeDeadline = 0;
      this.hooks.opened(name, hello !== null);
    };
    t.open();
  }

  /**
   * A transport could not open: fall back to the next one, or back off and start again at the top.
   * @param {TransportName} name @param {string} [reason]
   */
  _openFailed(name, reason) {
    this._serverClosed = false;
    if (this._level < this.options.transports.length - 1) {
      this._level++;
      this._open();
      return;
    }
    this._level = 0;
    this._retry(`could not connect (${name}: ${reason ?? 'failed'})`);
  }

  /** Gives up on the current transport (silent) and reports the loss. @param {string} why */
  _abandon(why) {
    const t = this._current;
    this._generation++;
    t?.close();
    this._lost(ABNORMAL, why);
  }

  /** @param {number} code @param {string} [reason] */
  async _lost(code, reason) {
    this._current = null;
    this.transport = null;
    this._probeDeadline = 0;
    this._serverClosed = code !== ABNORMAL;
    this._generation++;
    const again = await this.hooks.lost(code, reason ?? '');
    if (again && this._running) {
      this._retry(`closed: ${code} ${reason ?? ''}`);
    }
  }

  /** Waits a jittered backoff, then opens again (or gives up). @param {string} why */
  _retry(why) {
    if (!this._running) {
      return;
    }
    this._current = null;
    this._generation++;
    if (this._attempt >= this.options.maxRetries) {
      this.hooks.gaveUp(why, this._attempt);
      return;
    }
    this.hooks.waiting(true);
    const o = this.options;
    const delay = backoffDelay(this._attempt, o.initialBackoffMs, o.maxBackoffMs, o.random);
    this._attempt++;
    this.nextAttemptAt = Date.now() + delay;
    this._retryTimer = this._later(delay, () => {
      if (this._running) {
        this._open();
      }
    });
  }

  /**
   * The browser says the network is back (`online`), or the page became visible. Waiting for a
   * reconnect after a network failure: reconnect now. A close the server chose keeps its jittered
   * wait (every client of a restarting node must not come back at the same moment). Open: make
   * sure the connection still answers (it may have died silently while the network was gone).
   */
  _networkBack() {
    if (!this._running) {
      return;
    }
    if (this._retryTimer !== null) {
      if (!this._serverClosed) {
        clearTimeout(this._retryTimer);
        this._timers.delete(this._retryTimer);
        this._open();
      }
    } else if (this.transport && !this._probeDeadline) {
      this._probeDeadline = Date.now() + this.options.probeTimeoutMs;
      this._ping();
    }
  }

  /** While on a fallback transport, tries WebSocket now and then; moves back up when it opens. */
  _scheduleUpgrade() {
    if (this._level === 0 || this.options.transports[0] !== 'websocket') {
      return;
    }
    const gen = this._generation;
    this._later(this.options.upgradeIntervalMs, () => {
      if (gen !== this._generation || !this.transport) {
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
        if (gen !== this._generation || !this.transport) {
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
}
