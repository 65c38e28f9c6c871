// @ts-check
// The console's search over conversations (GET /api/search, docs/PROTOCOL.md#search): the
// messages and internal notes of the agent's sites (an admin's: every site), filtered by status,
// label, assigned agent and dates, newest first, a page at a time. Each result shows a snippet
// with the matching words marked (as text, never HTML); clicking it opens the conversation through
// the console (`window.parleyConsole`, set by console.js: `open`, and `conversations` to which it
// adds a resolved conversation the console had no event of) and scrolls to the matching message,
// marked with `data-hit` — or, for a note, opens the notes and marks the note.

/**
 * @typedef {{text: string, match: boolean}} SnippetPart
 * @typedef {{conv: string, note: boolean, seq: number, id: string, from: string, kind: string,
 *   ts: number, snippet: SnippetPart[], site: string, visitor: string, status: string,
 *   agent?: string, labels: string[]}} SearchResult
 * @typedef {{client: import('../sdk/parley.js').ParleyClient,
 *   transcript: import('../sdk/transcript.js').Transcript, open: (conv: string) => void,
 *   conversations: Map<string, import('../sdk/protocol.js').Conversation>}} ConsoleHook
 */

/** How long after opening a result the view keeps the match in sight while history arrives. */
const FOLLOW_MS = 3000;

/**
 * An element by id.
 * @template {HTMLElement} [E=HTMLElement]
 * @param {string} id
 * @returns {E}
 */
const $ = (id) => /** @type {E} */ (document.getElementById(id));

/** @returns {ConsoleHook|undefined} */
const hook = () => /** @type {any} */ (window).parleyConsole;

/** @type {string|null} the cursor of the next page of the current search */
let next = null;
/** @type {URLSearchParams|null} the current search's parameters, without the cursor */
let params = null;
/** @type {(() => void)|null} stops keeping the last opened match in sight */
let unfollow = null;

/**
 * The search's parameters from the form: local dates become instants ([from day, to day]).
 * @returns {URLSearchParams}
 */
export function formParams() {
  const p = new URLSearchParams({ q: /** @type {HTMLInputElement} */ ($('search-q')).value.trim() });
  for (const name of ['status', 'label', 'agent']) {
    const v = /** @type {HTMLInputElement} */ ($(`search-${name}`)).value.trim();
    if (v) {
      p.set(name, v);
    }
  }
  const from = /** @type {HTMLInputElement} */ ($('search-from')).valueAsDate;
  const to = /** @type {HTMLInputElement} */ ($('search-to')).valueAsDate;
  if (from) {
    p.set('from', localMidnight(from, 0));
  }
  if (to) {
    p.set('to', localMidnight(to, 1));
  }
  return p;
}

/** The instant of local midnight `days` after the UTC date `d` (as a date input gives it). @param {Date} d @param {number} days */
function localMidnight(d, days) {
  return new Date(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + days).toISOString();
}

/** Runs a search: the first page, or the next one when `more`. @param {boolean} more */
async function search(more) {
  const token = hook()?.client?.token;
  if (!params || !token) {
    return;
  }
  const p = new URLSearchParams(params);
  if (more && next) {
    p.set('cursor', next);
  }
  $('search-error').textContent = '';
  $('search-results').hidden = false;
  const r = await fetch(`/api/search?${p}`, { headers: { Authorization: `Bearer ${token}` } }).catch(() => null);
  const body = r ? await r.json().catch(() => ({})) : {};
  if (!r || !r.ok) {
    $('search-error').textContent = body.message || 'Search is unavailable; try again.';
    return;
  }
  /** @type {SearchResult[]} */
  const results = body.results ?? [];
  next = body.next ?? null;
  const list = $('search-list');
  if (!more) {
    list.replaceChildren();
  }
  list.append(...results.map(item));
  $('search-more').hidden = !next;
  $('search-count').textContent = list.children.length ? String(list.children.length) + (next ? '+' : '') : '';
  if (!list.children.length) {
    $('search-error').textContent = 'Nothing found.';
  }
}

/** @param {SearchResult} r @returns {HTMLLIElement} */
function item(r) {
  const li = document.createElement('li');
  li.tabIndex = 0;
  li.dataset.result = r.conv; // not data-conv: the conversation list's keys and clicks look for that
  li.dataset.seq = String(r.seq);
  const head = document.createElement('span');
  head.className = 'sub';
  head.textContent = [r.note ? '📝 note' : null, r.visitor, r.site, r.status, r.agent,
    new Date(r.ts).toLocaleString()].filter(Boolean).join(' · ');
  const snippet = document.createElement('span');
  snippet.className = 'snippet';
  snippet.append(...r.snippet.map((part) => {
    if (!part.match) {
      return document.createTextNode(part.text);
    }
    const mark = document.createElement('mark');
    mark.textContent = part.text;
    return mark;
  }));
  li.append(snippet, head);
  li.addEventListener('click', () => show(r));
  li.addEventListener('keydown', (e) => e.key === 'Enter' && show(r));
  return li;
}

/** Opens the result's conversation at its message (or note). @param {SearchResult} r */
export function show(r) {
  const h = hook();
  if (!h) {
    return;
  }
  unfollow?.();
  if (!h.conversations.has(r.conv)) {
    // a conversation the console has no event of (resolved ones): who its visitor is, for the view
    h.conversations.set(r.conv, {
      conv: r.conv, site: r.site, visitor: r.visitor, status: r.status, agent: r.agent, agentId: r.agent, labels: r.labels,
    });
  }
  h.open(r.conv);
  if (r.note) {
    /** @type {HTMLDetailsElement} */ ($('notes-box')).open = true;
  }
  const until = Date.now() + FOLLOW_MS;
  const log = $('log');
  const place = () => {
    if (r.note) {
      // notes have gapless seqs from 1 and the console shows them all in seq order
      return /** @type {HTMLElement|null} */ ($('notes').children[r.seq - 1] ?? null);
    }
    const it = h.transcript.state.items.find((i) => i.seq === r.seq);
    return it ? /** @type {HTMLElement|null} */ (log.querySelector(`[data-key="${CSS.escape(it.key)}"]`)) : null;
  };
  const mark = () => {
    const el = place();
    if (el) {
      el.dataset.hit = '';
      el.scrollIntoView({ block: 'center' });
    }
    if (Date.now() > until) {
      stop();
    }
  };
  const offChange = h.transcript.on('change', () => queueMicrotask(mark));
  const timer = setInterval(mark, 250);
  const stop = () => {
    offChange();
    clearInterval(timer);
    for (const type of ['wheel', 'pointerdown', 'keydown']) {
      log.removeEventListener(type, stop);
    }
    unfollow = null;
  };
  for (const type of ['wheel', 'pointerdown', 'keydown']) {
    log.addEventListener(type, stop);
  }
  unfollow = stop;
  mark();
}

$('search').addEventListener('submit', (e) => {
  e.preventDefault();
  const p = formParams();
  if (!p.get('q')) {
    return;
  }
  params = p;
  next = null;
  search(false);
});
$('search-more').addEventListener('click', () => search(true));
$('search-clear').addEventListener('click', () => {
  unfollow?.();
  params = null;
  next = null;
  $('search-list').replaceChildren();
  $('search-results').hidden = true;
  /** @type {HTMLInputElement} */ ($('search-q')).value = '';
});
