// @ts-check
// Parley JS SDK: plain ES modules, no build step, for browsers and Node 20+ (Node 20 needs
// --experimental-websocket for the WebSocket transport; the SSE and long-polling transports use
// fetch only). It keeps the delivery contract of docs/PROTOCOL.md like the Java SDK, and behaves as
// docs/CLIENTS.md says:
// - every send has a cid and stays in the outbox until acked; it is sent again, with the same cid,
//   after a reconnect or an ack time-out, and the server stores it once; with `storage` the outbox
//   also survives a reload (sdk/outbox.js);
// - per conversation the highest contiguous seq is kept; a reconnect resumes from it
//   (hello.resume), duplicates are dropped and a gap is repaired with join {after} (sdk/positions.js);
// - reconnects back off exponentially with full jitter (1 s, 2 s, 4 s … capped at 30 s), except
//   that the browser's `online` event and the page becoming visible end the wait at once after a
//   network failure (a close the server chose keeps its jitter);
// - when a WebSocket cannot be opened, it falls back to Server-Sent Events plus HTTP POST, then to
//   HTTP long-polling, and tries WebSocket again later.
// Everything runs on the page's (or Node's) single event loop.

import { Connection } from './connection.js';
import { Emitter } from './emitter.js';
import { newCid } from './outbox.js';
import { Sender, sendError } from './sender.js';
import { Positions } from './positions.js';
import { Leaves } from './leaves.js';
import { Credentials } from './credentials.js';
import { backoffDelay } from './backoff.js';
import { MAX_TEXT_CODE_POINTS, textLength, mergeDelta } from './text.js';
import { routeFrame } from './routing.js';
import { helloQuery, sayHello } from './hello.js';
import { uploadFile, fileLinks } from './upload.js';
/** @typedef {import('./upload.js').UploadOptions} UploadOptions */
/** @typedef {import('./upload.js').Uploaded} Uploaded */

export { newCid, backoffDelay, mergeDelta, textLength, MAX_TEXT_CODE_POINTS };

/**
 * The internal notes of chat conversation `conv`: its staff-only companion stream
 * (docs/PROTOCOL.md#internal-notes). Join it and send to it like any conversation.
 * @param {string} conv @returns {string}
 */
export const notesOf = (conv) => `${conv}:notes`;

/** @typedef {import('./protocol.js').Welcome} Welcome */
/** @typedef {import('./protocol.js').Message} Message */
/** @typedef {import('./protocol.js').Ack} Ack */
/** @typedef {import('./protocol.js').SendError} SendError */
/** @typedef {import('./connectivity.js').EventSource} EventSource */
/** @typedef {import('./connectivity.js').VisibilitySource} VisibilitySource */
/** @typedef {import('./client-types.js').ParleyOptions} ParleyOptions */
/** @typedef {import('./client-types.js').ResolvedOptions} ResolvedOptions */
/** @typedef {import('./client-types.js').ClientEvents} ClientEvents */
/** @typedef {import('./client-types.js').ConnectionState} ConnectionState */
/** @typedef {import('./client-types.js').TransportName} TransportName */
/** @typedef {import('./client-types.js').PendingSend} PendingSend */

/** Close codes after which reconnecting would repeat the mistake (see PROTOCOL.md#close-codes). */
const FATAL_CLOSE_CODES = new Set([1002, 1003, 1007, 1008, 1009]);

/**
 * One user's connection to a Parley server. Events: see {@link ClientEvents} (subscribe with
 * `on`). Call it on the page's (or Node's) event loop.
 * @extends {Emitter<ClientEvents>}
 */
export class ParleyClient extends Emitter {
  /** @param {ParleyOptions} options */
  constructor(options) {
    super();
    if (!options || !options.url) {
      throw new TypeError('ParleyClient needs options.url');
    }
    const g = /** @type {{window?: EventSource, document?: VisibilitySource}} */ (globalThis);
    /** @type {ResolvedOptions} */
    const o = /** @type {ResolvedOptions} */ ({
      transports: ['websocket', 'sse', 'longpoll'],
      initialBackoffMs: 1000,
      maxBackoffMs: 30000,
      maxRetries: Infinity,
      ackTimeoutMs: 10000,
      upgradeIntervalMs: 60000,
      openTimeoutMs: 10000,
      probeTimeoutMs: 5000,
      maxTextCodePoints: MAX_TEXT_CODE_POINTS,
      random: Math.random,
      window: g.window,
      document: g.document,
      // options left undefined keep their defaults
      ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
    });
    /** @type {ResolvedOptions} the options with their defaults */
    this.options = o;
    /** @type {ConnectionState} */
    this.state = 'idle';
    /** @type {Credentials} */
    this._credentials = new Credentials(options);
    /** @type {string|null} the user the last welcome named */
    this.user = null;
    /** @type {string|null} */ this.role = null;
    /** @type {number} messages dropped as already held */
    this.duplicatesDropped = 0;
    /** @type {Positions} */ this._positions = new Positions();
    /** @type {Leaves} leaves the server has not answered: a `joined` meanwhile is not taken up */
    this._leaves = new Leaves();
    /** @type {boolean} a hello went out and its welcome is awaited */
    this._helloPending = false;
    /** @type {boolean} the last hello went in the URL (sdk/hello.js), so it resumed nothing */
    this._helloInUrl = false;
    /** @type {Promise<Welcome>|null} */ this._welcome = null;
    /** @type {((w: Welcome) => void)|null} */ this._resolveWelcome = null;
    /** @type {((e: Error) => void)|null} */ this._rejectWelcome = null;
    /** @type {ReturnType<typeof setInterval>|undefined} */ this._ticker = undefined;
    /** @type {Sender} the outbox and how its sends go out */
    this._sender = new Sender(o, {
      connected: () => this.state === 'connected',
      write: (command) => this._write(command),
      changed: (pending) => this.emit('outbox', pending),
      acked: (ack) => this.emit('ack', ack),
      failed: (f) => this.emit('failed', f),
    });
    /** @type {Connection} */
    this._connection = new Connection(o, {
      opened: (name, helloInUrl) => sayHello(this, helloInUrl),
      helloQuery: () => helloQuery(this),
      frame: (text) => this._onFrame(text),
      lost: (code, reason) => this._lost(code, reason),
      waiting: (again) => this._setState(again ? 'reconnecting' : 'connecting'),
      gaveUp: (why, attempts) => this._end(`gave up after ${attempts} attempts: ${why}`),
      token: () => this._credentials.token,
    });
  }

  /** @returns {TransportName|null} the transport in use while connected */
  get transport() {
    return this._connection.transport;
  }

  /** @returns {number} when the next reconnect is due (epoch ms), while waiting for one; else 0 */
  get nextAttemptAt() {
    return this._connection.nextAttemptAt;
  }

  /** @returns {string|null} the token the next hello presents (keep it to stay the same user) */
  get token() {
    return this._credentials.token;
  }

  /** @returns {number} when the credentials expire (epoch ms), 0 = never */
  get expiresAt() {
    return this._credentials.expiresAt;
  }

  /**
   * Connects; resolves with the first `welcome`, rejects when the client gives up or is closed.
   * @returns {Promise<Welcome>}
   */
  connect() {
    if (!this._welcome) {
      this._welcome = new Promise((resolve, reject) => {
        this._resolveWelcome = resolve;
        this._rejectWelcome = reject;
      });
      this._welcome.catch(() => {});
      this._ticker = setInterval(() => this._tick(), 500);
      if (this._sender.outbox.size) {
        this.emit('outbox', this.pending()); // sends restored from storage
      }
      this._connection.start();
    }
    return this._welcome;
  }

  /**
   * Subscribes to a conversation. With `afterSeq`, replays every message after it first; with
   * `epoch` too, resumes an ephemeral channel's position kept across a reload (`positionOf`).
   * @param {string} conv @param {number} [afterSeq] @param {string} [epoch]
   */
  join(conv, afterSeq, epoch) {
    this._leaves.joining(conv);
    this._positions.track(conv, afterSeq ?? this.position(conv), afterSeq == null ? this._positions.epoch(conv) : epoch);
    if (this.state === 'connected') {
      this._write(this._positions.joinCommand(conv));
      this._sender.joinedNow.add(conv);
    }
  }

  /** @param {string} conv */
  leave(conv) {
    this._positions.forget(conv);
    this._sender.joinedNow.delete(conv);
    if (this._leaves.leave(conv, this.state === 'connected')) {
      this._write({ type: 'leave', conv });
    }
  }

  /** The highest contiguous seq held of `conv`, or -1. @param {string} conv @returns {number} */
  position(conv) {
    return this._positions.seq(conv);
  }

  /** `conv`'s position to keep: `seq` (-1: none) and an ephemeral channel's `epoch`. @param {string} conv */
  positionOf(conv) {
    return { seq: this._positions.seq(conv), epoch: this._positions.epoch(conv) };
  }

  /**
   * Sends a message; resolves with its ack once it is durable. Works while disconnected: the
   * message waits in the outbox and goes out, in order, on reconnect, once its conversation is
   * joined on the new connection (a send to a conversation not joined waits for the join up to
   * `ackTimeoutMs`, then goes out and is refused `not_joined` if it still is not). A text longer than
   * `maxTextCodePoints` code points is refused here (`too_long`, `local: true`): nothing is sent.
   * With `attachments` (ids of files this user uploaded to `conv`: `upload`), the text may be ''.
   * @param {string} conv
   * @param {string} text
   * @param {{cid?: string, attachments?: string[]}} [opts]
   * @returns {Promise<Ack>}
   */
  send(conv, text, opts = {}) {
    if (this.state === 'closed') {
      return Promise.reject(sendError('the client is closed', 'closed'));
    }
    return this._sender.send(conv, text, opts.cid, opts.attachments);
  }

  /**
   * Uploads a file to `conv` (a visitor's next one too: opened by it) with this session's token; send
   * its `file.id` in `attachments`. The same object again reuses its key: stored once (sdk/upload.js).
   * @param {string} conv @param {Blob|ArrayBuffer|Uint8Array} file @param {UploadOptions} [opts]
   * @returns {Promise<Uploaded>}
   */
  upload(conv, file, opts) {
    return uploadFile(this.options.url, this.token ?? '', conv, file, { site: this.options.site, lang: this.options.lang, ...opts });
  }

  /** Fresh signed links of an attachment's file. @param {string} id @returns {Promise<Uploaded>} */
  fileLinks(id) {
    return fileLinks(this.options.url, this.token ?? '', id);
  }

  /** Messages in the outbox (not yet acknowledged), oldest first. @returns {PendingSend[]} */
  pending() {
    return this._sender.pending();
  }

  /** @param {string} conv @param {boolean} on */
  typing(conv, on) {
    this._write({ type: 'typing', conv, on });
  }

  /** @param {string} conv @param {'delivered'|'read'} kind @param {number} seq */
  receipt(conv, kind, seq) {
    this._write({ type: 'receipt', conv, kind, seq });
  }

  /**
   * Asks for older messages; the reply arrives as a `history` event.
   * @param {string} conv @param {number} [before] @param {number} [limit]
   */
  history(conv, before, limit) {
    this._write({ type: 'history', conv, before, limit });
  }

  /**
   * Asks for a page of the users present in a joined conversation (in ascending order); the reply
   * arrives as a `presence_list` event whose `next` is the `after` of the following page.
   * @param {string} conv @param {string} [after] @param {number} [limit] 1–1000, default 100
   */
  presenceList(conv, after, limit) {
    this._write({ type: 'presence_list', conv, after, limit });
  }

  /** Visitor: ask for a human. @param {string} conv */
  handoff(conv) {
    this._write({ type: 'handoff', conv });
  }

  /** Visitor: stop a streaming bot answer. @param {string} conv @param {string} answer */
  stop(conv, answer) {
    this._write({ type: 'stop', conv, answer });
  }

  /** Agent: take a conversation. @param {string} conv */
  accept(conv) {
    this._write({ type: 'accept', conv });
  }

  /** Agent: hand a conversation to another agent. @param {string} conv @param {string} to */
  transfer(conv, to) {
    this._write({ type: 'transfer', conv, to });
  }

  /**
   * Agent: set a conversation's labels (the whole list; [] removes them): each 1-32 of a-z 0-9 -,
   * at most 10. The site's agents get its `conversation` event with `labels`.
   * @param {string} conv @param {string[]} labels
   */
  label(conv, labels) {
    this._write({ type: 'label', conv, labels });
  }

  /** Agent: close a conversation. @param {string} conv */
  resolve(conv) {
    this._write({ type: 'resolve', conv });
  }

  /**
   * Visitor: rate a resolved conversation; rating again replaces the rating. The answer is the
   * conversation's `conversation` event with `rating`.
   * @param {string} conv @param {'good'|'bad'} rating @param {string} [comment]
   */
  rate(conv, rating, comment) {
    this._write(comment ? { type: 'rate', conv, rating, comment } : { type: 'rate', conv, rating });
  }

  /**
   * Visitor: leave (or replace) an email address for the conversation, so that agents' replies
   * written while the visitor is away are mailed to it. The answer is a `mail` event with
   * `emailOnFile: true`; a bad address an `error` `invalid_field` naming `email`.
   * @param {string} conv @param {string} email
   */
  contact(conv, email) {
    this._write({ type: 'contact', conv, email });
  }

  /**
   * Visitor: ask for the conversation's transcript by email (an address must be on file). The
   * answer is a `mail` event; beyond 3 an hour an `error` `rate_limited`.
   * @param {string} conv
   */
  transcript(conv) {
    this._write({ type: 'transcript', conv });
  }

  /**
   * Visitor: report the page and the browser for the agents' visitor panel (docs/PROTOCOL.md#context):
   * no answer unless refused (`invalid_field` naming the field).
   * @param {string} conv @param {import('./protocol.js').VisitorContext} context
   */
  context(conv, context) {
    this._write({ type: 'context', conv, ...context });
  }

  /**
   * Visitor: send the site's pre-chat form (field key → answer). The answer is a `prechat` event
   * with `done: true`; a wrong answer an `error` `invalid_field` naming the field's key.
   * @param {string} conv @param {Record<string, string>} fields
   */
  prechat(conv, fields) {
    this._write({ type: 'prechat', ref: `prechat-${Date.now()}`, conv, fields });
  }

  /** Agent: hand a conversation back to the bot; visitor: leave the queue. @param {string} conv */
  backToBot(conv) {
    this._write({ type: 'back_to_bot', conv });
  }

  /**
   * Closes for good. Waiting sends are rejected; with `storage`, their stored copies stay and go
   * out when a client with the same storage and user connects again.
   */
  close() {
    this._end('the client is closed');
  }

  // ---- internals ----

  /** Ends the client: state closed, sends rejected, the first welcome's promise too. @param {string} why */
  _end(why) {
    if (this.state === 'closed') {
      return;
    }
    this._setState('closed');
    clearInterval(this._ticker);
    this._credentials.cancelHello();
    this._connection.stop();
    this._sender.close(why);
    this._rejectWelcome?.(new Error(why));
  }

  /** @param {ConnectionState} state */
  _setState(state) {
    if (this.state !== state) {
      this.state = state;
      this.emit('state', { state, transport: this.transport });
    }
  }

  /**
   * The connection ended: reconnect, refresh the token first (4401), or stop (a fatal code).
   * @param {number} code @param {string} reason
   * @returns {Promise<boolean>} whether to reconnect
   */
  async _lost(code, reason) {
    this._credentials.cancelHello(); // the next socket says its own
    this.emit('close', { code, reason });
    if (FATAL_CLOSE_CODES.has(code)) {
      this._end(`closed by the server: ${code} ${reason}`);
      return false;
    }
    if (this.state === 'closed') {
      return false;
    }
    this._setState('reconnecting');
    if (code === 4401) {
      await this._credentials.afterExpiry();
    }
    return true;
  }

  /** Says hello in a frame (again: after a refusal, or a URL's left unanswered). */
  _hello() {
    sayHello(this);
  }

  /** Writes a command while connected (welcomed); drops it otherwise. @param {Record<string, unknown>} command */
  _write(command) {
    if (this.state === 'connected') {
      this._connection.send(JSON.stringify(command));
    }
  }

  _tick() {
    if (this.state !== 'connected') {
      return;
    }
    this._connection.tick();
    if (this.state !== 'connected') {
      return; // found dead
    }
    const now = Date.now();
    this._sender.tick(now);
    this._credentials.tick(now, (token) => this._write(token ? { type: 'auth', token } : { type: 'auth' }));
  }

  /** @param {string} text */
  _onFrame(text) {
    routeFrame(this, text);
  }
}
