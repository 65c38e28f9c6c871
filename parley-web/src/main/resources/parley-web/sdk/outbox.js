// @ts-check
// The outbox of a ParleyClient (docs/CLIENTS.md#outbox): every send waits here, in the order it was
// made, until the server acknowledges it. With a storage it also survives a reload: each entry is
// kept in the browser's storage (per site key and per user) from `send` until its ack, and a page
// that loads with the same storage key and user takes the entries over and sends them again, with
// their cids, so the server stores each once.
//
// Storage layout, under the key prefix `K` given by the page (e.g. `parley:chat.example.com:demo`):
//   K:user          the user the last welcome named
//   K:outbox:<user> JSON [{cid, conv, text, attachments?}] of that user's unacknowledged sends, oldest first
//   K:outbox:       sends made before any welcome named a user (adopted by the first welcome)
// Each change reads, edits and writes the stored list, so two tabs of one user do not overwrite
// each other's entries (a cid sent by both is stored once by the server).

/** @typedef {import('./protocol.js').Ack} Ack */
/** @typedef {import('./protocol.js').SendError} SendError */
/** @typedef {Pick<Storage, 'getItem'|'setItem'|'removeItem'>} StorageLike */

/**
 * Where unacknowledged sends survive a reload.
 * @typedef {object} OutboxPersistence
 * @property {StorageLike} storage a Web Storage (`localStorage`) or anything with its three methods
 * @property {string} key the prefix of this site's entries, e.g. `parley:chat.example.com:demo`
 */

/**
 * One send waiting for its ack.
 * @typedef {object} OutboxEntry
 * @property {string} cid
 * @property {string} conv
 * @property {string} text
 * @property {string[]} [attachments] ids of the files it carries
 * @property {string|null} user the user it was made as; null before any welcome named one
 * @property {number} sentAt when it last went out on this page (epoch ms), 0 if not yet; while
 *   it waits for its conversation's `joined`, when it started waiting
 * @property {boolean} waitingJoin held until its conversation is joined on this connection
 * @property {Promise<Ack>} promise settles with the ack or the send's error
 * @property {(ack: Ack) => void} resolve
 * @property {(error: SendError) => void} reject
 */

/** A random id for a message (`cid`). @returns {string} */
export function newCid() {
  if (globalThis.crypto?.randomUUID) {
    return globalThis.crypto.randomUUID();
  }
  return 'c-' + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 12);
}

/**
 * @param {string} cid @param {string} conv @param {string} text @param {string|null} user
 * @param {string[]} [attachments]
 * @returns {OutboxEntry}
 */
function entry(cid, conv, text, user, attachments) {
  /** @type {(ack: Ack) => void} */
  let resolve = () => {};
  /** @type {(error: SendError) => void} */
  let reject = () => {};
  /** @type {Promise<Ack>} */
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => {}); // an entry restored from storage has no caller awaiting it
  const files = attachments?.length ? { attachments } : {};
  return { cid, conv, text, ...files, user, sentAt: 0, waitingJoin: false, promise, resolve, reject };
}

/**
 * The ordered sends of one client, kept in memory and, with a persistence, in storage.
 * Single-threaded: used by its ParleyClient on the page's (or Node's) event loop.
 */
export class Outbox {
  /** @param {OutboxPersistence} [persist] */
  constructor(persist) {
    /** @type {OutboxPersistence|undefined} */
    this._persist = persist;
    /** @type {Map<string, OutboxEntry>} by cid, in the order sent */
    this._entries = new Map();
    /** @type {boolean} whether a storage failure was reported already (reported once) */
    this._warned = false;
    /** @type {string|null} the user sends are made as now: the last welcome's, or the stored one */
    this.user = persist ? this._get(`${persist.key}:user`) : null;
    this._restore(this.user ?? '');
  }

  /** @returns {number} */
  get size() {
    return this._entries.size;
  }

  /** @returns {IterableIterator<OutboxEntry>} the entries, oldest first */
  values() {
    return this._entries.values();
  }

  /** @param {string} cid @returns {OutboxEntry|undefined} */
  get(cid) {
    return this._entries.get(cid);
  }

  /**
   * Adds a send as the current user, in memory and in storage.
   * @param {string} cid @param {string} conv @param {string} text @param {string[]} [attachments]
   * @returns {OutboxEntry}
   */
  add(cid, conv, text, attachments) {
    const e = entry(cid, conv, text, this.user, attachments);
    this._entries.set(cid, e);
    const kept = { cid, conv, text, ...(e.attachments ? { attachments: e.attachments } : {}) };
    this._edit(this.user ?? '', (list) => (list.some((x) => x.cid === cid) ? list : [...list, kept]));
    return e;
  }

  /**
   * Removes a send (acknowledged, or failed for good), from memory and storage.
   * @param {string} cid
   * @returns {OutboxEntry|undefined} what was removed
   */
  remove(cid) {
    const e = this._entries.get(cid);
    this._entries.delete(cid);
    if (e) {
      this._edit(e.user ?? '', (list) => list.filter((x) => x.cid !== cid));
    }
    return e;
  }

  /**
   * A welcome named `user`. Sends made before any user was known become this user's; the stored
   * sends of this user (made before a reload) are taken over, oldest first; sends made as another
   * user are removed and returned (they belong to an identity this client no longer has).
   * @param {string} user
   * @returns {OutboxEntry[]} the other user's sends, for the caller to reject
   */
  welcomed(user) {
    /** @type {OutboxEntry[]} */
    const foreign = [];
    for (const e of [...this._entries.values()]) {
      if (e.user === null) {
        e.user = user;
        this._edit('', (list) => list.filter((x) => x.cid !== e.cid));
        this._edit(user, (list) => (list.some((x) => x.cid === e.cid) ? list : [...list, { cid: e.cid, conv: e.conv, text: e.text }]));
      } else if (e.user !== user) {
        this.remove(e.cid);
        foreign.push(e);
      }
    }
    if (this.user !== user) {
      this.user = user;
      if (this._persist) {
        this._set(`${this._persist.key}:user`, user);
      }
      this._restore(user);
    }
    return foreign;
  }

  /** Forgets every entry in memory (their stored copies stay); returns them. @returns {OutboxEntry[]} */
  drain() {
    const all = [...this._entries.values()];
    this._entries.clear();
    return all;
  }

  /** Puts the stored sends of `user` that are not in memory first, oldest first. @param {string} user */
  _restore(user) {
    if (!this._persist) {
      return;
    }
    const stored = this._read(user).filter((x) => !this._entries.has(x.cid));
    if (!stored.length) {
      return;
    }
    const rest = [...this._entries.entries()];
    this._entries = new Map(stored.map((x) => [x.cid, entry(x.cid, x.conv, x.text, user || null, x.attachments)]));
    for (const [cid, e] of rest) {
      this._entries.set(cid, e);
    }
  }

  /** @param {string} user @returns {{cid: string, conv: string, text: string, attachments?: string[]}[]} */
  _read(user) {
    if (!this._persist) {
      return [];
    }
    try {
      const v = JSON.parse(this._get(`${this._persist.key}:outbox:${user}`) ?? '[]');
      return Array.isArray(v)
        ? v.filter((x) => x && typeof x.cid === 'string' && typeof x.conv === 'string' && typeof x.text === 'string')
        : [];
    } catch {
      return []; // not ours, or damaged: start afresh
    }
  }

  /**
   * @param {string} user
   * @param {(list: {cid: string, conv: string, text: string, attachments?: string[]}[]) => {cid: string, conv: string, text: string, attachments?: string[]}[]} change
   */
  _edit(user, change) {
    if (!this._persist) {
      return;
    }
    const before = this._read(user);
    const after = change(before);
    if (after === before) {
      return;
    }
    const k = `${this._persist.key}:outbox:${user}`;
    if (after.length) {
      this._set(k, JSON.stringify(after));
    } else {
      try {
        this._persist.storage.removeItem(k);
      } catch (e) {
        this._warn(e);
      }
    }
  }

  /** @param {string} k @returns {string|null} */
  _get(k) {
    try {
      return this._persist?.storage.getItem(k) ?? null;
    } catch (e) {
      this._warn(e);
      return null;
    }
  }

  /** @param {string} k @param {string} v */
  _set(k, v) {
    try {
      this._persist?.storage.setItem(k, v);
    } catch (e) {
      this._warn(e); // full or forbidden: the outbox still works in memory
    }
  }

  /** @param {unknown} e */
  _warn(e) {
    if (!this._warned) {
      this._warned = true;
      console.warn('parley: the outbox cannot use its storage; unsent messages will not survive a reload', e);
    }
  }
}
