// @ts-check
// One conversation's transcript as the widget and the agent console show it, without a DOM: the
// stored messages in seq order, bot answers while they stream (merged by offset), my sends that
// wait in the outbox, and where each of my messages stands (pending, sent, delivered, read) from
// the other participants' receipts; plus how many of the others' messages I have not read.
// Every change replaces the state (items that did not change keep their identity) and emits
// `change` with the old and the new state. Single-threaded: the page's event loop.

import { Emitter } from './emitter.js';
import { mergeDelta } from './text.js';

/** @typedef {import('./protocol.js').Message} Message */
/** @typedef {import('./protocol.js').Answer} Answer */
/** @typedef {import('./protocol.js').Receipt} Receipt */
/** @typedef {import('./protocol.js').Joined} Joined */
/** @typedef {import('./protocol.js').Ack} Ack */
/** @typedef {import('./protocol.js').Source} Source */
/** @typedef {import('./protocol.js').Attachment} Attachment */
/** @typedef {import('./client-types.js').PendingSend} PendingSend */
/** @typedef {import('./client-types.js').ClientEvents} ClientEvents */
/** @typedef {'pending'|'sent'|'delivered'|'read'|'failed'} Tick */

/**
 * One line of the transcript.
 * @typedef {object} TranscriptItem
 * @property {string} key stable for its whole life: `c:<cid>` for my send (pending, then stored),
 *   `m:<id>` otherwise (a streaming answer keeps its key when its stored message arrives)
 * @property {number|null} seq null while pending, failed or streaming
 * @property {string|null} id the message (or answer) id
 * @property {string|null} cid
 * @property {string} from the author's user id (`bot` for the bot)
 * @property {'text'|'bot'|'server'|'system'} kind
 * @property {string} text
 * @property {number|null} ts
 * @property {string|null} status `stopped` or `interrupted` for an answer that did not finish
 * @property {readonly Source[]} sources what a bot's answer cites (its message's `meta.sources`);
 *   empty for other messages and while an answer streams
 * @property {readonly Attachment[]} attachments the files it carries (`meta.attachments`); empty
 *   when none and while my send is unacknowledged
 * @property {boolean} mine written by this user
 * @property {boolean} streaming a bot answer still streaming
 * @property {Tick|null} tick where my message stands; null for others'
 * @property {string|null} error why my send failed (tick `failed`)
 */

/**
 * @typedef {object} TranscriptState
 * @property {string|null} conv
 * @property {string|null} me
 * @property {TranscriptItem[]} items stored messages by seq, then streaming answers, then my
 *   unsent messages in the order typed
 * @property {number} lastSeq the highest seq held (0: none)
 * @property {number} othersDelivered the highest seq another participant has received
 * @property {number} othersRead the highest seq another participant has read
 * @property {number} myRead the highest seq this user has read (on any of its connections)
 * @property {number} unread the others' messages (system notes aside) after `myRead`
 * @property {string|null} streaming the id of the answer streaming now
 */

/**
 * @typedef {object} Stored a stored message, or my send known from its ack only (provisional)
 * @property {string} key
 * @property {number} seq
 * @property {string} id
 * @property {string|null} cid
 * @property {string} from
 * @property {'text'|'bot'|'server'|'system'} kind
 * @property {string} text
 * @property {number|null} ts
 * @property {string|null} status
 * @property {readonly Source[]} sources
 * @property {readonly Attachment[]} attachments
 * @property {boolean} provisional from an ack: the message itself is still to come
 */

/** @typedef {{change: {old: TranscriptState, state: TranscriptState}}} TranscriptEvents */

/**
 * What `follow` needs of a client (a ParleyClient).
 * @typedef {object} Followable
 * @property {<K extends keyof ClientEvents & string>(type: K, fn: (e: ClientEvents[K]) => void) => () => void} on
 * @property {() => PendingSend[]} pending
 * @property {string|null} user
 */

/** The sources of a message that cites none: one shared array, so unchanged items stay equal. */
const NO_SOURCES = Object.freeze(/** @type {Source[]} */ ([]));
/** The attachments of a message that carries none, likewise. */
const NO_FILES = Object.freeze(/** @type {Attachment[]} */ ([]));

/** @param {string|null} conv @param {string|null} me @returns {TranscriptState} */
function emptyState(conv, me) {
  return { conv, me, items: [], lastSeq: 0, othersDelivered: 0, othersRead: 0, myRead: 0, unread: 0, streaming: null };
}

/** @param {TranscriptItem} a @param {TranscriptItem} b @returns {boolean} */
function sameItem(a, b) {
  for (const k of /** @type {(keyof TranscriptItem)[]} */ (Object.keys(a))) {
    if (a[k] !== b[k]) {
      return false;
    }
  }
  return true;
}

/**
 * The transcript of one conversation.
 * @extends {Emitter<TranscriptEvents>}
 */
export class Transcript extends Emitter {
  /** @param {{conv?: string|null, me?: string|null}} [init] */
  constructor(init = {}) {
    super();
    /** @type {TranscriptState} the current state; replaced, never changed in place */
    this.state = emptyState(init.conv ?? null, init.me ?? null);
    /** @type {Stored[]} stored messages, by seq */
    this._stored = [];
    /** @type {Map<number, Stored>} */
    this._bySeq = new Map();
    /** @type {Map<string, Stored>} */
    this._byId = new Map();
    /** @type {Map<string, string>} cid → key of a stored message of mine */
    this._keyOfCid = new Map();
    /** @type {Map<string, {text: string, streaming: boolean}>} answers streaming (or ended, not stored yet), by id */
    this._streams = new Map();
    /** @type {Map<string, {text: string, error: string|null}>} my sends not stored yet, by cid, in the order typed */
    this._unsent = new Map();
    /** @type {Followable|null} the client this transcript follows */
    this._source = null;
  }

  /**
   * Shows another conversation (or none): everything held is dropped; my unsent messages of the
   * new one are taken from the client followed, if any.
   * @param {string|null} conv
   */
  reset(conv) {
    this._clear();
    for (const p of this._source?.pending() ?? []) {
      if (p.conv === conv) {
        this._unsent.set(p.cid, { text: p.text, error: null });
      }
    }
    this._commit({ ...emptyState(conv, this.state.me) });
  }

  /** The conversation to show, when it was not known at construction. @param {string} conv */
  setConv(conv) {
    if (this.state.conv !== conv) {
      this.reset(conv);
    }
  }

  /** The user whose messages are "mine". @param {string} me */
  setMe(me) {
    if (this.state.me !== me) {
      this._commit({ me });
    }
  }

  /** @param {Message} m */
  message(m) {
    if (m.conv !== this.state.conv) {
      return;
    }
    const held = this._bySeq.get(m.seq);
    if (held && !held.provisional) {
      return; // a duplicate
    }
    // my send keeps the key it had while pending, so its bubble stays where it is
    const wasUnsent = m.cid != null && (this._unsent.has(m.cid) || this._keyOfCid.has(m.cid));
    const key = held ? held.key : wasUnsent ? `c:${m.cid}` : `m:${m.id}`;
    this._streams.delete(m.id);
    if (m.cid) {
      this._unsent.delete(m.cid);
    }
    this._put({
      key, seq: m.seq, id: m.id, cid: m.cid ?? null, from: m.from, kind: m.kind, text: m.text, ts: m.ts ?? null,
      status: m.status ?? null, sources: m.meta?.sources?.length ? m.meta.sources : NO_SOURCES,
      attachments: m.meta?.attachments?.length ? m.meta.attachments : NO_FILES, provisional: false,
    });
    this._commit({ lastSeq: Math.max(this.state.lastSeq, m.seq) });
  }

  /** A bot answer's `start`, `delta` or `end`. @param {Answer} a */
  answer(a) {
    if (a.conv !== this.state.conv || this._byId.has(a.id)) {
      return; // another conversation, or its stored message is here already
    }
    let s = this._streams.get(a.id);
    if (!s) {
      s = { text: '', streaming: true };
      this._streams.set(a.id, s);
    }
    if (a.phase === 'delta') {
      s.text = mergeDelta(s.text, a.offset ?? 0, a.text ?? '');
    } else if (a.phase === 'end') {
      s.streaming = false;
    }
    this._commit({});
  }

  /** @param {Receipt} r */
  receipt(r) {
    if (r.conv !== this.state.conv) {
      return;
    }
    const s = this.state;
    if (r.user === s.me) {
      if (r.kind === 'read' && r.seq > s.myRead) {
        this._commit({ myRead: r.seq });
      }
      return;
    }
    const othersRead = r.kind === 'read' ? Math.max(s.othersRead, r.seq) : s.othersRead;
    const othersDelivered = Math.max(s.othersDelivered, r.seq);
    if (othersRead !== s.othersRead || othersDelivered !== s.othersDelivered) {
      this._commit({ othersRead, othersDelivered });
    }
  }

  /** A `joined`: the stored receipts of every participant (mine included). @param {Joined} j */
  joined(j) {
    for (const r of j.receipts ?? []) {
      this.receipt({ ...r, conv: j.conv });
    }
  }

  /** This user has read up to `seq` (it sent the receipt). @param {number} seq */
  read(seq) {
    if (seq > this.state.myRead) {
      this._commit({ myRead: seq });
    }
  }

  /** The client's outbox changed: my unsent messages of this conversation. @param {PendingSend[]} pending */
  outbox(pending) {
    const mine = new Map(pending.filter((p) => p.conv === this.state.conv).map((p) => [p.cid, p]));
    for (const [cid, u] of this._unsent) {
      if (!u.error && !mine.has(cid)) {
        this._unsent.delete(cid); // acked (then it is stored) or gone
      }
    }
    for (const p of mine.values()) {
      if (!this._unsent.has(p.cid) && !this._keyOfCid.has(p.cid)) {
        this._unsent.set(p.cid, { text: p.text, error: null });
      }
    }
    this._commit({});
  }

  /** My send is durable at `ack.seq`; its message will follow. @param {Ack} a */
  ack(a) {
    const u = this._unsent.get(a.cid);
    if (a.conv !== this.state.conv || !u || this._bySeq.has(a.seq)) {
      return;
    }
    this._unsent.delete(a.cid);
    this._put({
      key: `c:${a.cid}`, seq: a.seq, id: a.id, cid: a.cid, from: this.state.me ?? '', kind: 'text', text: u.text,
      ts: a.ts ?? null, status: null, sources: NO_SOURCES, attachments: NO_FILES, provisional: true,
    });
    this._commit({ lastSeq: Math.max(this.state.lastSeq, a.seq) });
  }

  /** My send failed for good; it stays shown, marked failed. @param {{cid: string, conv: string, text: string, error: Error}} f */
  failed(f) {
    if (f.conv !== this.state.conv) {
      return;
    }
    this._unsent.set(f.cid, { text: f.text, error: f.error.message });
    this._commit({});
  }

  /**
   * Feeds this transcript from a client's events; returns a function that stops.
   * @param {Followable} client
   * @returns {() => void}
   */
  follow(client) {
    const offs = [
      client.on('welcome', (w) => this.setMe(w.user)),
      client.on('message', (m) => this.message(m)),
      client.on('answer', (a) => this.answer(a)),
      client.on('receipt', (r) => this.receipt(r)),
      client.on('joined', (j) => this.joined(j)),
      client.on('outbox', (p) => this.outbox(p)),
      client.on('ack', (a) => this.ack(a)),
      client.on('failed', (f) => this.failed(f)),
    ];
    this._source = client;
    if (client.user) {
      this.setMe(client.user);
    }
    this.outbox(client.pending());
    return () => {
      offs.forEach((off) => off());
      this._source = null;
    };
  }

  // ---- internals ----

  _clear() {
    this._stored = [];
    this._bySeq.clear();
    this._byId.clear();
    this._keyOfCid.clear();
    this._streams.clear();
    this._unsent.clear();
  }

  /** Inserts or replaces a stored message, keeping seq order. @param {Stored} s */
  _put(s) {
    const old = this._bySeq.get(s.seq);
    if (old) {
      this._stored[this._stored.indexOf(old)] = s;
    } else {
      let i = this._stored.length;
      while (i > 0 && this._stored[i - 1].seq > s.seq) {
        i--;
      }
      this._stored.splice(i, 0, s);
    }
    this._bySeq.set(s.seq, s);
    this._byId.set(s.id, s);
    if (s.cid) {
      this._keyOfCid.set(s.cid, s.key);
    }
  }

  /**
   * Makes the next state from the current one, `patch` and the collections; emits `change`.
   * @param {Partial<TranscriptState>} patch
   */
  _commit(patch) {
    const old = this.state;
    const base = { ...old, ...patch };
    const previous = new Map(old.items.map((it) => [it.key, it]));
    /** @type {TranscriptItem[]} */
    const items = [];
    /** @param {TranscriptItem} it */
    const add = (it) => {
      const before = previous.get(it.key);
      items.push(before && sameItem(before, it) ? before : it);
    };
    /** @param {number} seq @returns {Tick} */
    const tick = (seq) => (seq <= base.othersRead ? 'read' : seq <= base.othersDelivered ? 'delivered' : 'sent');
    let unread = 0;
    for (const s of this._stored) {
      const mine = base.me !== null && s.from === base.me;
      if (!mine && s.kind !== 'system' && s.seq > base.myRead) {
        unread++;
      }
      add({
        key: s.key, seq: s.seq, id: s.id, cid: s.cid, from: s.from, kind: s.kind, text: s.text, ts: s.ts,
        status: s.status, sources: s.sources, attachments: s.attachments, mine, streaming: false, tick: mine ? tick(s.seq) : null, error: null,
      });
    }
    /** @type {string|null} */
    let streaming = null;
    for (const [id, s] of this._streams) {
      if (s.streaming) {
        streaming = id;
      }
      add({
        key: `m:${id}`, seq: null, id, cid: null, from: 'bot', kind: 'bot', text: s.text, ts: null, status: null,
        sources: NO_SOURCES, attachments: NO_FILES, mine: false, streaming: s.streaming, tick: null, error: null,
      });
    }
    for (const [cid, u] of this._unsent) {
      add({
        key: `c:${cid}`, seq: null, id: null, cid, from: base.me ?? '', kind: 'text', text: u.text, ts: null,
        status: null, sources: NO_SOURCES, attachments: NO_FILES, mine: true, streaming: false, tick: u.error ? 'failed' : 'pending', error: u.error,
      });
    }
    const same = items.length === old.items.length && items.every((it, i) => it === old.items[i]);
    /** @type {TranscriptState} */
    const state = { ...base, items: same ? old.items : items, unread, streaming };
    if (same && Object.keys(state).every((k) => state[/** @type {keyof TranscriptState} */ (k)] === old[/** @type {keyof TranscriptState} */ (k)])) {
      return; // nothing changed
    }
    this.state = state;
    this.emit('change', { old, state });
  }
}
