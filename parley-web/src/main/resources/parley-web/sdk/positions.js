// @ts-check
// The client half of resume (docs/CLIENTS.md#resume-and-de-duplication): per joined conversation,
// the highest contiguous seq held (the position), messages that came early parked until the gap
// fills, duplicates dropped.

/** @typedef {import('./protocol.js').Message} Message */
/** @typedef {import('./protocol.js').Joined} Joined */
/** @typedef {import('./protocol.js').ContinuityLost} ContinuityLost */

/**
 * @typedef {object} Position
 * @property {number} seq the highest contiguous seq held; -1 until known
 * @property {Map<number, Message>} ahead messages past a gap, by seq
 * @property {boolean} resyncing a `join {after}` went out to fill a gap and its `joined` is awaited
 * @property {string} [epoch] an ephemeral channel's epoch, which `seq` belongs to
 */

/**
 * What to do with a message: the messages now deliverable in order (the message itself and any
 * parked ones it unblocked), and whether to ask for the gap (`join` with `after: position`).
 * @typedef {object} Accepted
 * @property {Message[]} deliver
 * @property {boolean} duplicate
 * @property {number|null} resyncAfter when not null, send `join {conv, after: resyncAfter}`
 */

/**
 * The positions of one client's conversations. Single-threaded: used by its ParleyClient.
 */
export class Positions {
  constructor() {
    /** @type {Map<string, Position>} by conversation id */
    this._byConv = new Map();
    /** @type {Set<string>} joins the server refused for its rate, which the SDK makes again later */
    this.retrying = new Set();
    /** @type {Map<string, number>} joins refused for now (`retry`) in a row, by conversation */
    this.failedJoins = new Map();
  }

  /** @returns {IterableIterator<[string, Position]>} */
  entries() {
    return this._byConv.entries();
  }

  /** @param {string} conv @returns {number} the position of `conv`, or -1 */
  seq(conv) {
    return this._byConv.get(conv)?.seq ?? -1;
  }

  /**
   * Starts (or restarts) tracking `conv` at `seq` (-1: learn it from the `joined`), of `epoch` for an
   * ephemeral channel (kept only with a known seq).
   * @param {string} conv @param {number} seq @param {string} [epoch]
   */
  track(conv, seq, epoch) {
    this._byConv.set(conv, { seq, epoch: seq >= 0 ? epoch : undefined, ahead: new Map(), resyncing: false });
  }

  /**
   * The `join` that subscribes to `conv` from its position: live when none is known, else `after`
   * it, with the epoch of an ephemeral channel. @param {string} conv
   */
  joinCommand(conv) {
    const p = this._byConv.get(conv);
    return !p || p.seq < 0 ? { type: 'join', conv } : { type: 'join', conv, after: p.seq, epoch: p.epoch };
  }

  /** Whether `conv` is joined (or to be joined): a left one is not. @param {string} conv */
  holds(conv) {
    return this._byConv.has(conv);
  }

  /** @param {string} conv */
  forget(conv) {
    this.failedJoins.delete(conv);
    this._byConv.delete(conv);
  }

  /** A new connection: parked messages and pending gap requests are void. */
  reset() {
    for (const p of this._byConv.values()) {
      p.resyncing = false;
      p.ahead.clear();
    }
  }

  /**
   * A `joined`: the position of a conversation the server joined us to, or of a join we asked for.
   * @param {Joined} j
   * @returns {Message[]} parked messages now deliverable
   */
  joined(j) {
    let p = this._byConv.get(j.conv);
    if (!p) {
      // The server joined us (a visitor's conversation): its replay starts after `from`.
      this.track(j.conv, j.from);
      p = /** @type {Position} */ (this._byConv.get(j.conv));
      p.epoch = j.epoch;
      return [];
    }
    if (j.epoch !== undefined && (p.seq < 0 || (p.epoch === undefined && j.from >= p.seq))) {
      // Also for a known seq joined without an epoch, when the window answers from there on. Below
      // it the continuity_lost that follows (a resume without an epoch is never continuous) must
      // move the position, not look like a stale repeat of the epoch held.
      p.epoch = j.epoch;
    }
    if (p.seq < 0 || p.resyncing) {
      p.seq = p.seq < 0 ? j.from : Math.min(p.seq, j.from);
      p.resyncing = false;
      return this._drain(p);
    }
    return [];
  }

  /**
   * A `message`: deliver it, drop it as a duplicate, or park it and ask for the gap.
   * @param {Message} m
   * @returns {Accepted}
   */
  accept(m) {
    const p = this._byConv.get(m.conv);
    if (!p || p.seq < 0) {
      return { deliver: [], duplicate: false, resyncAfter: null };
    }
    if (m.seq <= p.seq || p.ahead.has(m.seq)) {
      return { deliver: [], duplicate: true, resyncAfter: null };
    }
    if (m.seq === p.seq + 1) {
      p.seq = m.seq;
      return { deliver: [m, ...this._drain(p)], duplicate: false, resyncAfter: null };
    }
    p.ahead.set(m.seq, m);
    if (p.resyncing) {
      return { deliver: [], duplicate: false, resyncAfter: null };
    }
    p.resyncing = true;
    return { deliver: [], duplicate: false, resyncAfter: p.seq };
  }

  /**
   * A `continuity_lost`: the position moves to (`epoch`, `from`), whatever was held; parked
   * messages are void (another epoch's, or past a gap that will never fill). One of the epoch held
   * with `from` below the position is stale (a second subscription's answer to what the first
   * already reported): nothing after the position is missing, so it stays and the repeats drop as
   * duplicates.
   * @param {ContinuityLost} c
   * @returns {boolean} whether messages were lost: the app is told only then
   */
  continuityLost(c) {
    const p = this._byConv.get(c.conv);
    if (!p || (p.epoch !== undefined && p.epoch === c.epoch && c.from < p.seq)) {
      return false;
    }
    p.seq = c.from;
    p.epoch = c.epoch;
    p.ahead.clear();
    p.resyncing = false;
    return true;
  }

  /** @param {string} conv @returns {string|undefined} the epoch of an ephemeral channel */
  epoch(conv) {
    return this._byConv.get(conv)?.epoch;
  }

  /** @param {Position} p @returns {Message[]} */
  _drain(p) {
    /** @type {Message[]} */
    const out = [];
    for (let next = p.ahead.get(p.seq + 1); next; next = p.ahead.get(p.seq + 1)) {
      p.ahead.delete(next.seq);
      p.seq = next.seq;
      out.push(next);
    }
    for (const seq of p.ahead.keys()) {
      if (seq <= p.seq) {
        p.ahead.delete(seq);
      }
    }
    return out;
  }
}
