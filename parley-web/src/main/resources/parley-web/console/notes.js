// @ts-check
// The open conversation's internal notes (docs/PROTOCOL.md#internal-notes): its staff-only stream
// `conv:notes`, joined while the conversation is open, listed under the composer with their count,
// written from the notes form. Text is set as text, never as HTML. Single-threaded: the page's
// event loop.
import { newCid, notesOf, textLength } from '../sdk/parley.js';

/** @typedef {import('../sdk/parley.js').ParleyClient} ParleyClient */
/** @typedef {import('../sdk/protocol.js').Message} Message */

/** The longest note, in code points (the server's limit of a message). */
const MAX_NOTE = 4000;

export class NotesPanel {
  /**
   * @param {object} o
   * @param {() => ParleyClient|null} o.client
   * @param {() => string|null} o.me the logged-in agent
   * @param {(text: string) => void} o.flash shows a short note to the agent
   */
  constructor(o) {
    this.o = o;
    /** @type {string|null} the conversation whose notes are shown */
    this.conv = null;
    /** @type {Map<number, Message>} its notes, by seq */
    this.notes = new Map();
    const box = /** @type {HTMLTextAreaElement} */ (document.getElementById('note-text'));
    /** @type {HTMLElement} */ (document.getElementById('note-form')).addEventListener('submit', (e) => {
      e.preventDefault();
      const text = box.value.trim();
      const client = o.client();
      if (!text || !this.conv || !client) {
        return;
      }
      if (textLength(text) > MAX_NOTE) {
        o.flash(`A note is at most ${MAX_NOTE} characters`);
        return;
      }
      box.value = '';
      client.send(notesOf(this.conv), text, { cid: newCid() }).catch(() => {
        // the reason is flashed ('failed')
      });
    });
  }

  /** Shows the notes of `conv` (null: none): leaves the stream shown before, joins its. @param {string|null} conv */
  show(conv) {
    const client = this.o.client();
    if (this.conv && this.conv !== conv) {
      client?.leave(notesOf(this.conv));
    }
    this.conv = conv;
    this.notes.clear();
    this.render();
    if (conv) {
      client?.join(notesOf(conv), 0); // staff only: the server never gives them to the visitor
    }
  }

  /** Takes `m` when it is a note of the conversation shown. @param {Message} m @returns {boolean} */
  message(m) {
    if (!this.conv || m.conv !== notesOf(this.conv)) {
      return false;
    }
    this.notes.set(m.seq, m);
    this.render();
    return true;
  }

  render() {
    const list = [...this.notes.values()].sort((a, b) => a.seq - b.seq);
    /** @type {HTMLElement} */ (document.getElementById('notes-count')).textContent = list.length ? `(${list.length})` : '';
    /** @type {HTMLElement} */ (document.getElementById('notes')).replaceChildren(...list.map((m) => {
      const li = document.createElement('li');
      const who = document.createElement('span');
      who.className = 'who';
      who.textContent = m.from === this.o.me() ? 'You' : m.from;
      const text = document.createElement('span');
      text.textContent = m.text; // text, never HTML
      li.append(who, text);
      li.title = m.ts ? new Date(m.ts).toLocaleString() : '';
      return li;
    }));
  }
}
