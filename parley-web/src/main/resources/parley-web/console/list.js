// @ts-check
// The console's conversation list: the queue, the agent's own, those with the bot and other agents'.
// Each item shows the visitor, the queue place or agent, the mood and labels and, for the
// conversations the desk follows (docs/CLIENTS.md#several-conversations-at-once), the count of the
// visitor's unread messages, "typing…" while the visitor types, and the last message with its time.
// Keyboard: one item is in the tab order (the open one, else the first); Up/Down/Home/End move
// between items across the groups, Enter or Space opens; Alt+Up/Alt+Down open the previous / next
// conversation from anywhere on the page. All text is set as text, never as HTML.
// Single-threaded: the page's event loop.

/** @typedef {import('../sdk/protocol.js').Conversation} Conversation */
/** @typedef {import('./desk.js').Desk} Desk */

import { MAX_UNREAD } from './desk.js';

/** The time of day of the last message, in the page's language. */
const TIME_OF_DAY = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

/** @param {number|undefined} s @returns {string} the mood a sentiment score shows */
export function mood(s) {
  if (s == null) {
    return '';
  }
  return s <= -0.3 ? '🙁' : s >= 0.3 ? '🙂' : '😐';
}

/** @typedef {{queue: Conversation[], mine: Conversation[], bot: Conversation[], others: Conversation[]}} Groups */

export class ConversationList {
  /**
   * @param {object} o
   * @param {HTMLElement} o.root the element holding the lists `#queue`, `#mine`, `#bot`, `#others`
   * @param {Map<string, Conversation>} o.conversations
   * @param {Desk} o.desk
   * @param {() => string|null} o.me the logged-in agent
   * @param {() => string|null} o.current the open conversation
   * @param {(conv: string) => void} o.open
   */
  constructor(o) {
    this.o = o;
    /** @type {ReturnType<typeof setTimeout>|undefined} a render is due */
    this._due = undefined;
    o.root.addEventListener('click', (e) => {
      const li = /** @type {HTMLElement} */ (e.target).closest?.('li[data-conv]');
      if (li instanceof HTMLElement && li.dataset.conv) {
        o.open(li.dataset.conv);
      }
    });
    o.root.addEventListener('keydown', (e) => this._key(e));
    document.addEventListener('keydown', (e) => {
      if (e.altKey && (e.key === 'ArrowUp' || e.key === 'ArrowDown')) {
        e.preventDefault();
        const next = this.next(e.key === 'ArrowDown' ? 1 : -1);
        if (next) {
          o.open(next);
        }
      }
    });
  }

  /** The conversations by group, the queue in its order. @returns {Groups} */
  groups() {
    const me = this.o.me();
    /** @type {Groups} */
    const g = { queue: [], mine: [], bot: [], others: [] };
    for (const c of this.o.conversations.values()) {
      if (c.status === 'queued') {
        g.queue.push(c);
      } else if (c.status === 'assigned' && c.agentId === me) {
        g.mine.push(c);
      } else if (c.status === 'bot') {
        g.bot.push(c);
      } else if (c.status === 'assigned') {
        g.others.push(c);
      }
    }
    g.queue.sort((a, b) => (a.position ?? 0) - (b.position ?? 0));
    return g;
  }

  /** What the desk follows, most wanted first: the agent's own, then the queue. @returns {string[]} */
  wanted() {
    const g = this.groups();
    return [...g.mine, ...g.queue].map((c) => c.conv);
  }

  /** The conversation `step` items after the open one in the list's order (wrapping). @param {number} step */
  next(step) {
    const all = [...this.o.root.querySelectorAll('li[data-conv]')].map((li) => /** @type {HTMLElement} */ (li).dataset.conv ?? '');
    if (!all.length) {
      return null;
    }
    const at = all.indexOf(this.o.current() ?? '');
    return all[at < 0 ? (step > 0 ? 0 : all.length - 1) : (at + step + all.length) % all.length];
  }

  /** Renders soon: many changes in a row (a replay) render once. */
  render() {
    if (this._due === undefined) {
      this._due = setTimeout(() => this.renderNow(), 16);
    }
  }

  renderNow() {
    clearTimeout(this._due);
    this._due = undefined;
    const g = this.groups();
    const focused = /** @type {HTMLElement|null} */ (document.activeElement)?.dataset?.conv;
    for (const [name, list] of Object.entries(g)) {
      /** @type {HTMLElement} */ (this.o.root.querySelector(`#${name}`)).replaceChildren(...list.map((c) => this._item(c)));
    }
    /** @type {HTMLElement} */ (this.o.root.querySelector('#queue-count')).textContent = g.queue.length ? String(g.queue.length) : '';
    const items = /** @type {HTMLElement[]} */ ([...this.o.root.querySelectorAll('li[data-conv]')]);
    const tabbable = items.find((li) => li.dataset.conv === (focused ?? this.o.current())) ?? items[0];
    if (tabbable) {
      tabbable.tabIndex = 0;
      if (focused && tabbable.dataset.conv === focused) {
        tabbable.focus();
      }
    }
  }

  /** Moves focus to the open conversation's item, else the first. */
  focus() {
    const items = /** @type {HTMLElement[]} */ ([...this.o.root.querySelectorAll('li[data-conv]')]);
    (items.find((li) => li.dataset.conv === this.o.current()) ?? items[0])?.focus();
  }

  /** @param {Conversation} c @returns {HTMLLIElement} */
  _item(c) {
    const { desk } = this.o;
    const li = document.createElement('li');
    li.tabIndex = -1;
    li.dataset.conv = c.conv;
    li.setAttribute('aria-current', String(c.conv === this.o.current()));
    const top = document.createElement('span');
    top.className = 'top-line';
    const name = document.createElement('span');
    name.className = 'name';
    name.textContent = c.visitor ?? c.conv;
    top.append(name);
    const unread = desk.unread(c.conv);
    if (unread) {
      const badge = document.createElement('span');
      badge.className = 'unread';
      badge.textContent = unread > MAX_UNREAD ? `${MAX_UNREAD}+` : String(unread);
      const words = document.createElement('span');
      words.className = 'sr';
      words.textContent = ' unread';
      badge.append(words);
      top.append(badge);
    }
    const sub = document.createElement('span');
    sub.className = 'sub';
    sub.textContent = [c.status === 'queued' && c.position ? `#${c.position}` : null, c.status === 'assigned' ? c.agent : null,
      mood(c.sentiment), ...(c.labels ?? []).map((l) => `#${l}`)].filter(Boolean).join(' ');
    sub.title = c.sentiment != null ? `mood ${c.sentiment.toFixed(2)}` : '';
    li.append(top, sub);
    const last = desk.last(c.conv);
    if (desk.visitorTyping(c.conv)) {
      const typing = document.createElement('span');
      typing.className = 'preview typing-mark';
      typing.textContent = 'typing…';
      li.append(typing);
    } else if (last) {
      const preview = document.createElement('span');
      preview.className = 'preview';
      const who = last.from === c.visitor ? '' : last.mine ? 'You: ' : last.kind === 'bot' ? 'Bot: ' : last.kind === 'system' ? '' : `${last.from}: `;
      preview.textContent = who + last.text.replace(/\s+/g, ' ').slice(0, 120);
      li.append(preview);
    }
    if (last?.ts) {
      const at = new Date(last.ts);
      const time = document.createElement('time');
      time.className = 'when';
      time.dateTime = at.toISOString();
      time.textContent = TIME_OF_DAY.format(at);
      top.append(time);
    }
    if (desk.refused.has(c.conv)) {
      li.title = 'Over the connection\'s limit of followed conversations: no unread count';
    }
    return li;
  }

  /** Up/Down/Home/End between items, Enter/Space opens. @param {KeyboardEvent} e */
  _key(e) {
    const li = /** @type {HTMLElement} */ (e.target).closest?.('li[data-conv]');
    if (!(li instanceof HTMLElement) || e.altKey) {
      return;
    }
    const items = /** @type {HTMLElement[]} */ ([...this.o.root.querySelectorAll('li[data-conv]')]);
    const at = items.indexOf(li);
    /** @type {HTMLElement|undefined} */
    let to;
    if (e.key === 'ArrowDown') {
      to = items[Math.min(at + 1, items.length - 1)];
    } else if (e.key === 'ArrowUp') {
      to = items[Math.max(at - 1, 0)];
    } else if (e.key === 'Home') {
      to = items[0];
    } else if (e.key === 'End') {
      to = items[items.length - 1];
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      this.o.open(li.dataset.conv ?? '');
      return;
    } else {
      return;
    }
    e.preventDefault();
    for (const other of items) {
      other.tabIndex = -1;
    }
    to.tabIndex = 0;
    to.focus();
  }
}
