// @ts-check
// DOM helpers shared by the widget and the agent console: a view that draws a Transcript
// (sdk/transcript.js) into a log element, and typing indicators. Message text goes in with
// textContent only: it is data, never markup. Call them on the page's event loop.

import { messageTime } from './times.js';

/** @typedef {import('./transcript.js').Transcript} Transcript */
/** @typedef {import('./transcript.js').TranscriptItem} TranscriptItem */
/** @typedef {import('./transcript.js').TranscriptState} TranscriptState */
/** @typedef {import('./transcript.js').Tick} Tick */
/** @typedef {import('./protocol.js').Source} Source */
/** @typedef {import('./attachments.js').AttachmentRenderer} AttachmentRenderer */

/**
 * What a tick shows. Read differs from delivered in shape (heavy checks), not only in the colour the
 * stylesheets give `.tick.read`, so it shows without colour vision too.
 */
const TICK_MARKS = { pending: '◷', sent: '✓', delivered: '✓✓', read: '✔✔', failed: '!' };

/**
 * How a page draws the items: the bubble's classes, the author's name shown above the text (or
 * none), the text, and a tick's words for screen readers.
 * @typedef {object} ViewOptions
 * @property {(item: TranscriptItem) => string} kind CSS class next to `msg`: e.g. mine, theirs, system
 * @property {(item: TranscriptItem) => string|null} who
 * @property {(item: TranscriptItem) => string} [text] default: the item's text
 * @property {(tick: Tick) => string} tickLabel
 * @property {string} [part] a `part` name for each bubble (the widget's Shadow DOM), or none
 * @property {() => string} [sourcesLabel] the words for "Sources" above an answer's sources (its
 *   accessible name, shown as a small heading), or none
 * @property {AttachmentRenderer} [files] draws a message's attachments (sdk/attachments.js), or none
 * @property {() => string|undefined} [lang] the language times are written in (sdk/times.js);
 *   default: the browser's
 * @property {(el: HTMLElement, item: TranscriptItem) => void} [decorate] adds a page's own controls
 *   to a bubble after each fill (the widget's read-aloud button, widget/speaker.js), or none
 */

/**
 * The address of a source if it is an absolute http(s) URL, else null: the server checks this
 * already; a client does not rely on it, so no other scheme (javascript:, data:) becomes a link.
 * @param {string|undefined} url @returns {string|null}
 */
export function webUrl(url) {
  if (!url) {
    return null;
  }
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

/**
 * Draws a transcript into `log`: one `div.msg.<kind>` per item (with `.who`, `.text`, the sources an
 * answer cites as `ul.sources` of links that open in a new tab without an opener or referrer, named
 * by `sourcesLabel` (`aria-label`, which the stylesheets show as a small heading), and a
 * `div.files` of its attachments (when `files` is given; a message with files and no text has no
 * empty `.text`), a `.meta` line: the stored time as `time.ts` (hidden from screen readers: the log
 * is a live region, and a time added on the ack would be read out on its own) and, for my
 * messages, the tick; `data-state` holds the tick), in
 * the transcript's order, kept in step with its `change` events. A reader scrolled to the bottom
 * stays there as lines arrive.
 */
export class TranscriptView {
  /** @param {Element} log @param {Transcript} transcript @param {ViewOptions} options */
  constructor(log, transcript, options) {
    this.log = log;
    this.options = options;
    /** @type {Map<string, HTMLElement>} bubbles by item key */
    this._bubbles = new Map();
    /** @type {Map<string, TranscriptItem>} the item each bubble shows now */
    this._drawn = new Map();
    this._off = transcript.on('change', (c) => this.render(c.state));
    this.render(transcript.state);
  }

  /** Stops following the transcript. */
  stop() {
    this._off();
  }

  /** Draws everything again (names or labels changed). @param {TranscriptState} state */
  redraw(state) {
    this._drawn.clear();
    this.render(state);
  }

  /** Brings the log in line with `state`. @param {TranscriptState} state */
  render(state) {
    const log = /** @type {HTMLElement} */ (this.log);
    const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
    const keep = new Set(state.items.map((it) => it.key));
    for (const [key, el] of this._bubbles) {
      if (!keep.has(key)) {
        el.remove();
        this._bubbles.delete(key);
        this._drawn.delete(key);
      }
    }
    /** @type {Element|null} */
    let prev = null;
    let added = false;
    for (const item of state.items) {
      let el = this._bubbles.get(item.key);
      if (!el) {
        el = this._create();
        this._bubbles.set(item.key, el);
        added = true;
      }
      if (this._drawn.get(item.key) !== item) {
        this._fill(el, item);
        this._drawn.set(item.key, item);
      }
      /** @type {Element|null} */
      const want = prev ? prev.nextElementSibling : log.firstElementChild;
      if (want !== el) {
        log.insertBefore(el, want);
      }
      prev = el;
    }
    if (atBottom || added) {
      log.scrollTop = log.scrollHeight;
    }
  }

  /** @returns {HTMLElement} */
  _create() {
    const doc = this.log.ownerDocument;
    const el = doc.createElement('div');
    if (this.options.part) {
      el.setAttribute('part', this.options.part);
    }
    const who = doc.createElement('span');
    who.className = 'who';
    const text = doc.createElement('span');
    text.className = 'text';
    el.append(who, text);
    return el;
  }

  /** @param {HTMLElement} el @param {TranscriptItem} item */
  _fill(el, item) {
    const o = this.options;
    el.className = `msg ${o.kind(item)}${item.streaming ? ' streaming' : ''}`;
    el.dataset.key = item.key;
    const who = /** @type {HTMLElement} */ (el.querySelector('.who'));
    const name = o.who(item);
    who.textContent = name ?? '';
    who.hidden = !name;
    const text = /** @type {HTMLElement} */ (el.querySelector('.text'));
    text.textContent = o.text ? o.text(item) : item.text;
    text.hidden = !text.textContent && (item.attachments.length > 0 || item.tick === 'pending');
    this._sources(el, item.sources);
    o.files?.draw(el, el.querySelector('.sources') ?? text, item.attachments, o.part);
    o.decorate?.(el, item);
    let meta = /** @type {HTMLElement|null} */ (el.querySelector('.meta'));
    if (!item.tick && item.ts === null) {
      meta?.remove();
      delete el.dataset.state;
      return;
    }
    const doc = this.log.ownerDocument;
    if (!meta) {
      meta = doc.createElement('span');
      meta.className = 'meta';
      el.appendChild(meta);
    }
    /** @type {Node[]} */
    const parts = [];
    if (item.ts !== null) {
      const at = messageTime(item.ts, { lang: o.lang?.() });
      const time = doc.createElement('time');
      time.className = 'ts';
      time.dateTime = at.iso;
      time.textContent = at.text;
      time.title = at.full;
      time.setAttribute('aria-hidden', 'true');
      parts.push(time);
    }
    if (item.tick) {
      const tick = doc.createElement('span');
      tick.className = 'tick ' + item.tick;
      tick.textContent = TICK_MARKS[item.tick];
      tick.setAttribute('role', 'img');
      tick.setAttribute('aria-label', o.tickLabel(item.tick));
      tick.title = item.error ?? o.tickLabel(item.tick);
      parts.push(tick);
      el.dataset.state = item.tick;
    } else {
      delete el.dataset.state;
    }
    meta.replaceChildren(...parts);
  }

  /**
   * The `ul.sources` under the text: each source's title as a link when it has a web address, as
   * plain text when not; none when there are no sources. Titles go in as text only.
   * @param {HTMLElement} el @param {readonly Source[]} sources
   */
  _sources(el, sources) {
    let list = /** @type {HTMLElement|null} */ (el.querySelector('.sources'));
    if (!sources.length) {
      list?.remove();
      return;
    }
    const doc = this.log.ownerDocument;
    if (!list) {
      list = doc.createElement('ul');
      list.className = 'sources';
      if (this.options.part) {
        list.setAttribute('part', 'sources');
      }
      /** @type {HTMLElement} */ (el.querySelector('.text')).after(list);
    }
    const label = this.options.sourcesLabel?.();
    if (label) {
      list.setAttribute('aria-label', label);
    }
    list.replaceChildren(
      ...sources.map((s) => {
        const li = doc.createElement('li');
        const url = webUrl(s.url);
        const label = doc.createElement(url ? 'a' : 'span');
        label.textContent = s.title;
        if (s.snippet) {
          label.title = s.snippet;
        }
        if (url) {
          const a = /** @type {HTMLAnchorElement} */ (label);
          a.href = url;
          a.target = '_blank';
          a.rel = 'noopener noreferrer';
        }
        li.append(label);
        return li;
      }),
    );
  }
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

/**
 * The counter under a composer: shown near the limit, `over` past it (the send button should then
 * be disabled). Text is measured in code points, as the server counts.
 * @param {HTMLElement} el the counter
 * @param {number} length the text's length in code points
 * @param {number} max
 * @returns {boolean} whether the text fits
 */
export function showLength(el, length, max) {
  const fits = length <= max;
  el.textContent = `${length} / ${max}`;
  el.hidden = length < max * 0.9;
  el.classList.toggle('over', !fits);
  return fits;
}
