// @ts-check
// The JS SDK's leaves the server has not answered yet (docs/CLIENTS.md#subscriptions). The server
// answers a connection's commands in order, so a `joined` that arrives while a `leave` of its
// conversation is unanswered answers a join made before that leave: the client does not take it up
// (it would hold the position again, and every reconnect would join what the app left). A leave made
// while not connected (a hello may be on its way, resuming the conversation) goes out after the
// welcome. Runs on the client's event loop.

export class Leaves {
  constructor() {
    /** @type {Map<string, number>} leaves written on this connection whose `left` has not come */
    this._unanswered = new Map();
    /** @type {Set<string>} conversations left while not connected: left again after the welcome */
    this._afterWelcome = new Set();
  }

  /**
   * The app leaves `conv`: true when the `leave` is to be written now (connected); else it goes
   * out after the next welcome ({@link welcomed}).
   * @param {string} conv @param {boolean} connected @returns {boolean}
   */
  leave(conv, connected) {
    if (!connected) {
      this._afterWelcome.add(conv);
      return false;
    }
    this._unanswered.set(conv, (this._unanswered.get(conv) ?? 0) + 1);
    return true;
  }

  /** The app joins `conv` again: a leave still waiting for the welcome is void. @param {string} conv */
  joining(conv) {
    this._afterWelcome.delete(conv);
  }

  /** Whether a `joined` of `conv` is taken up: not while a leave of it is unanswered. @param {string} conv */
  takesUp(conv) {
    return !this._unanswered.has(conv);
  }

  /** A `left` of `conv`: one leave answered. @param {string} conv */
  answered(conv) {
    const n = (this._unanswered.get(conv) ?? 0) - 1;
    if (n > 0) {
      this._unanswered.set(conv, n);
    } else {
      this._unanswered.delete(conv);
    }
  }

  /**
   * A welcome on a new connection: nothing of the old one will be answered; the leaves made while
   * not connected are to be written now (and are unanswered from here on).
   * @returns {string[]}
   */
  welcomed() {
    this._unanswered.clear();
    const now = [...this._afterWelcome];
    this._afterWelcome.clear();
    for (const conv of now) {
      this.leave(conv, true);
    }
    return now;
  }
}
