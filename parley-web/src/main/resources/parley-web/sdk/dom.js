// DOM helpers shared by the widget and the agent console. Message text goes in with textContent
// only: it is data, never markup.

/**
 * Appends a message bubble to `log`: a `div.msg.<kind>` with an optional `.who` line and a `.text`.
 * @param {Element} log
 * @param {string} kind CSS class: mine, theirs, system (widget); visitor, bot, agent, system (console)
 * @param {string|null} [who] the author's name to show, or nothing
 * @returns {HTMLDivElement}
 */
export function appendBubble(log, kind, who) {
  const doc = log.ownerDocument;
  const el = doc.createElement('div');
  el.className = 'msg ' + kind;
  if (who) {
    const w = doc.createElement('span');
    w.className = 'who';
    w.textContent = who;
    el.appendChild(w);
  }
  const text = doc.createElement('span');
  text.className = 'text';
  el.appendChild(text);
  log.appendChild(el);
  return el;
}

/** Sets a bubble's text (as text). @param {Element} el @param {string} text */
export function setBubbleText(el, text) {
  el.querySelector('.text').textContent = text;
}

/**
 * Who is typing, from `typing` events: each indicator goes off after its `ttlMs` unless renewed.
 * Calls `render(users)` with the users whose indicator is on, after every change.
 */
export class TypingIndicators {
  /** @param {(users: string[]) => void} render */
  constructor(render) {
    this.render = render;
    /** @type {Map<string, ReturnType<typeof setTimeout>>} */
    this.timers = new Map();
  }

  /** @param {string} user @param {boolean} on @param {number} [ttlMs] */
  set(user, on, ttlMs) {
    clearTimeout(this.timers.get(user));
    this.timers.delete(user);
    if (on) {
      this.timers.set(user, setTimeout(() => this.set(user, false), ttlMs || 6000));
    }
    this.render([...this.timers.keys()]);
  }
}
