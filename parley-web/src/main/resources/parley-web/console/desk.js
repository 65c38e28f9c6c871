// @ts-check
// The agent's conversations at once (docs/CLIENTS.md#several-conversations-at-once): on its one
// connection the console follows the agent's own conversations and the queue — each joined from
// seq 0 into a Transcript of its own — so that the list can show, for each, the visitor's messages
// after the agent's stored read position (the server's read receipts: the count survives a reload
// and is the same in every tab), whether the visitor is typing, and the last message; the open
// conversation is one of these transcripts, so switching shows it at once. Each conversation's
// unsent draft (also kept in sessionStorage) and scroll position are kept here too.
// Single-threaded: the page's event loop.

import { Transcript } from '../sdk/transcript.js';
import { TypingIndicators } from '../sdk/dom.js';

/** @typedef {import('../sdk/parley.js').ParleyClient} ParleyClient */
/** @typedef {import('../sdk/protocol.js').Conversation} Conversation */
/** @typedef {import('../sdk/transcript.js').TranscriptItem} TranscriptItem */

/** How many conversations a connection may join at once (docs/PROTOCOL.md#join). */
const MAX_JOINED = 64;

/**
 * How many conversations the list follows at most (the agent's own first, then the queue in its
 * order): the rest of {@link MAX_JOINED} is kept for the agents' feed of each of the agent's sites
 * (one subscription per site), the open conversation when the list does not follow it, and its
 * internal notes: 48.
 */
export const MAX_FOLLOWED = MAX_JOINED - 16;

/** The most unread messages counted; more show as `99+`. */
export const MAX_UNREAD = 99;

/**
 * One conversation the console holds: its transcript (fed by the client while joined), who is
 * typing in it, where its log was scrolled.
 * @typedef {object} Thread
 * @property {string} conv
 * @property {Transcript} transcript
 * @property {string[]} typing the users typing now, the agent aside
 * @property {TypingIndicators} indicators
 * @property {boolean} followed joined for the list; otherwise only while open
 * @property {{top: number, bottom: boolean}|null} scroll the log's position when last left
 * @property {() => void} stop stops following the client
 */

export class Desk {
  /**
   * @param {object} o
   * @param {Map<string, Conversation>} o.conversations the agent view of each conversation
   * @param {(conv: string) => void} o.changed a thread's unread count, typing or last message changed
   * @param {Storage} [o.storage] where drafts survive a reload of the tab (sessionStorage)
   */
  constructor(o) {
    this.o = o;
    /** @type {ParleyClient|null} */
    this.client = null;
    /** @type {Map<string, Thread>} the conversations held, by id */
    this.threads = new Map();
    /** @type {Map<string, string>} unsent drafts, by conversation */
    this.drafts = new Map();
    /** @type {Set<string>} conversations the server would not let this connection join (over its limit) */
    this.refused = new Set();
    /** @type {(() => void)[]} */
    this._offs = [];
  }

  /** Works with a new client (a new login): every thread of the old one is dropped. @param {ParleyClient} client */
  attach(client) {
    for (const t of this.threads.values()) {
      t.stop();
    }
    this.threads.clear();
    this.refused.clear();
    this._offs.forEach((off) => off());
    this.client = client;
    this._offs = [
      client.on('typing', (e) => {
        const t = this.threads.get(e.conv);
        if (t && e.user !== client.user) {
          t.indicators.set(e.user, e.on, e.ttlMs);
        }
      }),
      client.on('error', (e) => {
        // A join over the connection's limit: the list shows the conversation without counts.
        if (e.code === 'invalid_field' && e.field === 'conv' && e.conv && this.threads.get(e.conv)?.followed) {
          this.refused.add(e.conv);
          this._drop(e.conv);
          this.o.changed(e.conv);
        }
      }),
    ];
  }

  /**
   * Follows `wanted` (in priority order; at most {@link MAX_FOLLOWED}) and no other, except `open`,
   * which is kept while it is shown.
   * @param {string[]} wanted @param {string|null} open
   */
  sync(wanted, open) {
    const follow = new Set(wanted.filter((c) => !this.refused.has(c)).slice(0, MAX_FOLLOWED));
    for (const [conv, t] of this.threads) {
      if (!follow.has(conv) && t.followed) {
        if (conv === open) {
          t.followed = false; // kept while open, left when the agent switches away
        } else {
          this._drop(conv);
        }
      }
    }
    for (const conv of follow) {
      this.thread(conv).followed = true;
    }
  }

  /** The thread of `conv`, joined from seq 0 if it is not held yet. @param {string} conv @returns {Thread} */
  thread(conv) {
    let t = this.threads.get(conv);
    if (t) {
      return t;
    }
    const client = /** @type {ParleyClient} */ (this.client);
    const transcript = new Transcript({ conv, me: client.user });
    const stop = transcript.follow(client);
    const off = transcript.on('change', ({ old, state }) => {
      if (state.items !== old.items || state.myRead !== old.myRead || state.me !== old.me) {
        this.o.changed(conv);
      }
    });
    /** @type {Thread} */
    const thread = {
      conv, transcript, typing: [], followed: false, scroll: null,
      indicators: new TypingIndicators((users) => {
        thread.typing = users;
        this.o.changed(conv);
      }),
      stop: () => {
        off();
        stop();
        for (const u of thread.typing) {
          thread.indicators.set(u, false);
        }
      },
    };
    t = thread;
    this.threads.set(conv, t);
    client.join(conv, 0);
    return t;
  }

  /** The open conversation `conv` is left for another: unless the list follows it, it is dropped. @param {string} conv */
  release(conv) {
    if (!this.threads.get(conv)?.followed) {
      this._drop(conv);
    }
  }

  /**
   * The visitor's messages after the agent's read position, or null when `conv` is not followed.
   * @param {string} conv @returns {number|null}
   */
  unread(conv) {
    const t = this.threads.get(conv);
    if (!t) {
      return null;
    }
    const visitor = this.o.conversations.get(conv)?.visitor;
    const { items, myRead } = t.transcript.state;
    let n = 0;
    for (let i = items.length - 1; i >= 0 && n <= MAX_UNREAD; i--) {
      const it = items[i];
      if (it.seq !== null && it.seq <= myRead) {
        break;
      }
      if (it.seq !== null && it.from === visitor && it.kind === 'text') {
        n++;
      }
    }
    return n;
  }

  /** The newest stored message of `conv` held, or null. @param {string} conv @returns {TranscriptItem|null} */
  last(conv) {
    const items = this.threads.get(conv)?.transcript.state.items ?? [];
    for (let i = items.length - 1; i >= 0; i--) {
      if (items[i].seq !== null) {
        return items[i];
      }
    }
    return null;
  }

  /** Whether the visitor of `conv` is typing now. @param {string} conv @returns {boolean} */
  visitorTyping(conv) {
    const visitor = this.o.conversations.get(conv)?.visitor;
    return Boolean(visitor && this.threads.get(conv)?.typing.includes(visitor));
  }

  /** The unsent draft of `conv`. @param {string} conv @returns {string} */
  draft(conv) {
    return this.drafts.get(conv) ?? this.o.storage?.getItem(draftKey(conv)) ?? '';
  }

  /** Keeps the unsent draft of `conv` ('' forgets it). @param {string} conv @param {string} text */
  setDraft(conv, text) {
    if (text) {
      this.drafts.set(conv, text);
      this.o.storage?.setItem(draftKey(conv), text);
    } else {
      this.drafts.delete(conv);
      this.o.storage?.removeItem(draftKey(conv));
    }
  }

  /** @param {string} conv */
  _drop(conv) {
    const t = this.threads.get(conv);
    if (t) {
      t.stop();
      this.threads.delete(conv);
      this.client?.leave(conv);
    }
  }
}

/** @param {string} conv @returns {string} */
const draftKey = (conv) => `parley:console:draft:${conv}`;
