// @ts-check
// How a ParleyClient's sends reach the server (docs/CLIENTS.md#outbox): each waits in the outbox
// (sdk/outbox.js) until its ack; it goes out once its conversation is joined on the current
// connection (sooner the server would refuse it `not_joined`), again after an ack time-out and
// after every reconnect, always with its cid; a retryable refusal (`rate_limited`,
// `store_unavailable`, …) holds every send for a moment and then sends the outbox again in order.

import { Outbox, newCid } from './outbox.js';
import { textLength } from './text.js';

/** @typedef {import('./protocol.js').Ack} Ack */
/** @typedef {import('./protocol.js').ErrorPush} ErrorPush */
/** @typedef {import('./protocol.js').SendError} SendError */
/** @typedef {import('./outbox.js').OutboxEntry} OutboxEntry */
/** @typedef {import('./outbox.js').OutboxPersistence} OutboxPersistence */
/** @typedef {import('./client-types.js').PendingSend} PendingSend */

/** Error codes whose command may succeed if sent again unchanged. */
const RETRYABLE = new Set(['rate_limited', 'store_unavailable', 'shutting_down', 'internal']);

/**
 * A send's error, made here or from the server's `error`.
 * @param {string} message @param {string} [code] @param {string} [field]
 * @returns {SendError}
 */
export function sendError(message, code, field) {
  /** @type {SendError} */
  const e = new Error(message);
  e.code = code;
  e.field = field;
  return e;
}

/**
 * What the sender needs of its client.
 * @typedef {object} SenderHooks
 * @property {() => boolean} connected whether a welcome is in force (commands may be written)
 * @property {(command: Record<string, unknown>) => void} write writes a command
 * @property {(pending: PendingSend[]) => void} changed the outbox changed (the `outbox` event)
 * @property {(ack: Ack) => void} acked a send is durable (the `ack` event)
 * @property {(failed: PendingSend & {error: SendError}) => void} failed a send failed for good
 */

/**
 * The sends of one client. Single-threaded: used by its ParleyClient on the page's (or Node's)
 * event loop.
 */
export class Sender {
  /**
   * @param {{ackTimeoutMs: number, maxTextCodePoints: number, random: () => number, storage?: OutboxPersistence}} options
   * @param {SenderHooks} hooks
   */
  constructor(options, hooks) {
    this.options = options;
    this.hooks = hooks;
    /** @type {Outbox} */
    this.outbox = new Outbox(options.storage);
    /** @type {Set<string>} conversations joined on this connection: resumed in its hello, joined by
     *  a command it carried before (the server handles a connection's commands in order), or named
     *  by a `joined` (the server joined us) */
    this.joinedNow = new Set();
    /** @type {boolean} sends are held after a retryable error */
    this._paused = false;
    /** @type {ReturnType<typeof setTimeout>|undefined} the end of a hold */
    this._pauseTimer = undefined;
    /** @type {number} when the hold ends (ms since the epoch) */
    this._pauseUntil = 0;
  }

  /**
   * A new message (see ParleyClient#send).
   * @param {string} conv @param {string} text @param {string} [cid] @param {string[]} [attachments]
   * @returns {Promise<Ack>}
   */
  send(conv, text, cid = newCid(), attachments = []) {
    const waiting = this.outbox.get(cid);
    if (waiting) {
      return waiting.promise; // the same message again: one send, one ack
    }
    const max = this.options.maxTextCodePoints;
    if (typeof text !== 'string' || textLength(text) > max) {
      const e = sendError(`the text is longer than ${max} characters`, 'too_long', 'text');
      e.local = true;
      return Promise.reject(e);
    }
    const pending = this.outbox.add(cid, conv, text, attachments);
    this.hooks.changed(this.pending());
    if (this.hooks.connected()) {
      this._transmit(pending);
    }
    return pending.promise;
  }

  /** @returns {PendingSend[]} the unacknowledged sends, oldest first */
  pending() {
    return [...this.outbox.values()].map(({ cid, conv, text }) => ({ cid, conv, text }));
  }

  /** A new connection says hello: nothing is joined on it yet. */
  reset() {
    this.joinedNow.clear();
  }

  /** `conv` is joined on this connection: its held sends go out, in order. @param {string} conv */
  joined(conv) {
    this.joinedNow.add(conv);
    for (const p of this.outbox.values()) {
      if (p.waitingJoin && p.conv === conv) {
        this._transmit(p);
      }
    }
  }

  /**
   * A welcome named `user`: the outbox takes over that user's stored sends (sdk/outbox.js) and
   * everything goes out again, in order.
   * @param {string} user
   */
  welcomed(user) {
    const before = this.outbox.size;
    const foreign = this.outbox.welcomed(user);
    for (const e of foreign) {
      this._fail(e, sendError('made as another user; not sent', 'user_changed'));
    }
    if (foreign.length || this.outbox.size !== before) {
      this.hooks.changed(this.pending());
    }
    for (const p of this.outbox.values()) {
      this._transmit(p);
    }
  }

  /** Every 500 ms while connected: sends again what is unacknowledged for too long. @param {number} now */
  tick(now) {
    for (const p of this.outbox.values()) {
      if (now - p.sentAt > this.options.ackTimeoutMs) {
        this._transmit(p, p.waitingJoin); // not acked in time; or its conversation never joined
      }
    }
  }

  /**
   * An ack (or our own message, which proves it durable as well): `ack`, then the send leaves the
   * outbox (`outbox`) and its promise resolves.
   * @param {Ack} a
   */
  settle(a) {
    const p = this.outbox.remove(a.cid);
    this.hooks.acked(a);
    if (p) {
      this.hooks.changed(this.pending());
      p.resolve(a);
    }
  }

  /** @param {string} cid @returns {boolean} whether `cid` waits in the outbox */
  has(cid) {
    return this.outbox.get(cid) !== undefined;
  }

  /**
   * An `error` naming one of our cids: held and sent again if retryable, else failed.
   * @param {ErrorPush} e
   */
  refused(e) {
    if (!e.cid || !this.outbox.get(e.cid)) {
      return;
    }
    if (RETRYABLE.has(e.code) || e.retry) {
      // Throttled or not stored: hold every send for as long as the server asks (`retryAfterMs`;
      // at least a second), then send the outbox again in order, so that a burst over the rate
      // limit still arrives in the order it was typed.
      this._pause(Math.max(1000, e.retryAfterMs ?? 0) + this.options.random() * 500);
      return;
    }
    const p = this.outbox.remove(e.cid);
    if (p) {
      this._fail(p, sendError(e.message, e.code, e.field));
      this.hooks.changed(this.pending());
    }
  }

  /** The client ends: every waiting send fails with `why` (stored copies stay). @param {string} why */
  close(why) {
    clearTimeout(this._pauseTimer);
    for (const e of this.outbox.drain()) {
      this._fail(e, sendError(why, 'closed'));
    }
    this.hooks.changed([]);
  }

  /**
   * Sends an outbox entry now if its conversation is joined on this connection (or `force`: its
   * wait for the join is over); else holds it until the `joined`.
   * @param {OutboxEntry} p @param {boolean} [force]
   */
  _transmit(p, force = false) {
    p.sentAt = Date.now();
    p.waitingJoin = !force && !this.joinedNow.has(p.conv);
    if (!this._paused && !p.waitingJoin) {
      const files = p.attachments?.length ? { attachments: p.attachments } : {};
      this.hooks.write({ type: 'send', cid: p.cid, conv: p.conv, text: p.text, ...files });
    }
  }

  /**
   * Holds every send for `ms` (or longer, if a hold already runs past that), then sends the outbox
   * again in order. @param {number} ms
   */
  _pause(ms) {
    const until = Date.now() + ms;
    if (this._paused && until <= this._pauseUntil) {
      return;
    }
    clearTimeout(this._pauseTimer);
    this._paused = true;
    this._pauseUntil = until;
    this._pauseTimer = setTimeout(() => {
      this._paused = false;
      if (this.hooks.connected()) {
        for (const p of this.outbox.values()) {
          if (!p.waitingJoin) {
            this._transmit(p);
          }
        }
      }
    }, ms);
  }

  /** A send failed for good: `failed`, then its promise rejects. @param {OutboxEntry} e @param {SendError} error */
  _fail(e, error) {
    this.hooks.failed({ cid: e.cid, conv: e.conv, text: e.text, error });
    e.reject(error);
  }
}
