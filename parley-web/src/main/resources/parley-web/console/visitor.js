// @ts-check
// The console's visitor panel (docs/PROTOCOL.md#rest-api, GET /api/conversations/{id}/visitor):
// beside the transcript, who the visitor is and where it is — identity claims from the site's JWT,
// the pre-chat answers, the page, referrer, language, browser and system, local time — and its
// earlier conversations, each a link that opens its transcript here. Everything in it is what the
// visitor's browser or the site's backend said, shown as text, never as markup. A disclosure: on
// a phone it folds away above the transcript. console.js announces each opened conversation with a
// `parley:open` event on the window and lends its `open` as `window.parleyConsole.open`; this module
// is loaded by index.html beside it.

/**
 * What the server answers (docs: the VisitorPanel schema of /api/openapi.json).
 * @typedef {object} Panel
 * @property {string} conversation @property {string} visitor @property {string} status
 * @property {string} [url] @property {string} [title] @property {string} [referrer]
 * @property {string} [lang] @property {string} [timeZone] @property {number} [utcOffsetMinutes]
 * @property {Record<string, string>} identity @property {Record<string, string>} prechat
 * @property {{name: string, version?: string}} browser @property {{name: string, version?: string}} os
 * @property {{id: string, status: string, createdAt: number, updatedAt: number}[]} earlier
 */

const TOKEN_KEY = 'parley:console:token';

/** @returns {string} the agent's bearer token */
function token() {
  const c = /** @type {any} */ (window).parleyConsole?.client;
  return c?.token ?? sessionStorage.getItem(TOKEN_KEY) ?? '';
}

/** @param {{name: string, version?: string}} f */
const family = (f) => (f.version ? `${f.name} ${f.version}` : f.name);

/**
 * The visitor's local time now, from the offset its browser reported.
 * @param {number} offsetMinutes @param {string} [zone] @returns {string}
 */
export function localTime(offsetMinutes, zone) {
  const at = new Date(Date.now() + offsetMinutes * 60_000);
  const hh = String(at.getUTCHours()).padStart(2, '0');
  const mm = String(at.getUTCMinutes()).padStart(2, '0');
  const sign = offsetMinutes < 0 ? '−' : '+';
  const off = Math.abs(offsetMinutes);
  const utc = `UTC${sign}${Math.floor(off / 60)}${off % 60 ? `:${String(off % 60).padStart(2, '0')}` : ''}`;
  return `${hh}:${mm} (${zone ? `${zone}, ` : ''}${utc})`;
}

/** An http(s) URL as a link that opens elsewhere, else as text. @param {string} u */
function link(u) {
  if (!/^https?:\/\//i.test(u)) {
    return document.createTextNode(u);
  }
  const a = document.createElement('a');
  a.href = u;
  a.textContent = u;
  a.target = '_blank';
  a.rel = 'noopener noreferrer';
  return a;
}

/**
 * Fills `dl` with the rows of `p`.
 * @param {HTMLElement} box @param {Panel} p
 */
export function render(box, p) {
  const dl = document.createElement('dl');
  /** @param {string} name @param {string|Node|undefined} value */
  const row = (name, value) => {
    if (value === undefined || value === '') {
      return;
    }
    const dt = document.createElement('dt');
    dt.textContent = name;
    const dd = document.createElement('dd');
    dd.append(value);
    dl.append(dt, dd);
  };
  for (const [k, v] of Object.entries(p.prechat ?? {})) {
    row(k, v);
  }
  for (const [k, v] of Object.entries(p.identity ?? {})) {
    if (!(k in (p.prechat ?? {}))) {
      row(k, v);
    }
  }
  row('page', p.url ? link(p.url) : undefined);
  row('title', p.title);
  row('referrer', p.referrer ? link(p.referrer) : undefined);
  row('language', p.lang);
  row('browser', family(p.browser));
  row('system', family(p.os));
  row('local time', p.utcOffsetMinutes !== undefined ? localTime(p.utcOffsetMinutes, p.timeZone) : undefined);
  row('visitor', p.visitor);
  const earlier = document.createElement('ul');
  earlier.className = 'earlier';
  for (const e of p.earlier ?? []) {
    const li = document.createElement('li');
    const a = document.createElement('a');
    a.href = `#${encodeURIComponent(e.id)}`;
    a.textContent = new Date(e.createdAt).toLocaleString();
    a.dataset.conv = e.id;
    li.append(a, ` ${e.status}`);
    earlier.append(li);
  }
  const h = document.createElement('h3');
  h.textContent = p.earlier?.length ? `Earlier conversations (${p.earlier.length})` : 'No earlier conversations';
  box.replaceChildren(dl, h, earlier);
}

/** The conversation the panel shows (the last one asked for: an older answer is dropped). */
let showing = '';

/** Loads and shows the panel of `conv`. @param {string} conv */
export async function show(conv) {
  const box = document.getElementById('visitor-body');
  if (!box) {
    return;
  }
  showing = conv;
  box.textContent = 'Loading…';
  try {
    const r = await fetch(`/api/conversations/${encodeURIComponent(conv)}/visitor`, {
      headers: { Authorization: `Bearer ${token()}` },
    });
    if (showing !== conv) {
      return;
    }
    if (!r.ok) {
      box.textContent = r.status === 404 ? 'Nothing is known of this visitor.' : `Could not load (${r.status}).`;
      return;
    }
    render(box, /** @type {Panel} */ (await r.json()));
  } catch {
    if (showing === conv) {
      box.textContent = 'Could not load; try again.';
    }
  }
}

/** Narrow screens: the panel floats under the conversation's bar (its height varies as it wraps). */
function placeUnderBar() {
  const bar = /** @type {HTMLElement|null} */ (document.querySelector('#detail > .bar'));
  document.getElementById('detail')?.style.setProperty('--bar-h', `${bar?.offsetHeight ?? 0}px`);
}

const details = /** @type {HTMLDetailsElement|null} */ (document.getElementById('visitor'));
if (details && matchMedia('(max-width: 1099px)').matches) {
  details.open = false; // a phone shows the transcript first
}
window.addEventListener('resize', placeUnderBar);
window.addEventListener('parley:open', (e) => {
  requestAnimationFrame(placeUnderBar);
  show(/** @type {CustomEvent<string>} */ (e).detail);
});
document.addEventListener('click', (e) => {
  const a = /** @type {HTMLElement} */ (e.target).closest?.('#visitor-body a[data-conv]');
  if (a instanceof HTMLAnchorElement && a.dataset.conv) {
    e.preventDefault();
    /** @type {any} */ (window).parleyConsole?.open?.(a.dataset.conv); // its transcript, here
  }
});
