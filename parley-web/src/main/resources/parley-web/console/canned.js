// @ts-check
// The console's canned responses: the site's, kept on the server and shared by its agents
// (GET/PUT /api/sites/{site}/canned, docs/PROTOCOL.md#rest-api). Typing `/short` in the composer
// offers the matching ones: ArrowUp/ArrowDown move, Enter or Tab inserts, Escape closes.

/** @typedef {{shortcut: string, text: string, updatedBy?: string, updatedAt?: number}} Canned */

/** What a shortcut is made of (the server checks it too). */
export const SHORTCUT = /^[a-z0-9-]{1,32}$/;

/** @type {Map<string, Promise<Canned[]>>} each site's list, fetched once per console session */
const bySite = new Map();

/**
 * The canned responses of `site` (cached; `fresh` fetches again).
 * @param {string} site @param {string|null} token @param {boolean} [fresh]
 * @returns {Promise<Canned[]>}
 */
export function loadCanned(site, token, fresh = false) {
  let list = bySite.get(site);
  if (!list || fresh) {
    list = fetch(`/api/sites/${encodeURIComponent(site)}/canned`, {
      headers: { Authorization: `Bearer ${token ?? ''}` },
    }).then((r) => (r.ok ? r.json() : []), () => []);
    bySite.set(site, list);
  }
  return list;
}

/**
 * Creates or replaces canned response `shortcut` of `site`. Resolves with null, or the server's
 * reason for refusing (the field and why).
 * @param {string} site @param {string|null} token @param {string} shortcut @param {string} text
 * @returns {Promise<string|null>}
 */
export async function saveCanned(site, token, shortcut, text) {
  const r = await fetch(`/api/sites/${encodeURIComponent(site)}/canned/${encodeURIComponent(shortcut)}`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${token ?? ''}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ text }),
  });
  if (r.ok) {
    loadCanned(site, token, true);
    return null;
  }
  const body = await r.json().catch(() => ({}));
  return body.message || `could not save (${r.status})`;
}

/**
 * The canned responses whose shortcut starts with what follows the `/` in `typed` (at most 8), or
 * none when `typed` is not a `/shortcut` being typed.
 * @param {Canned[]} list @param {string} typed @returns {Canned[]}
 */
export function matching(list, typed) {
  const m = /^\/([a-z0-9-]{0,32})$/.exec(typed);
  if (!m) {
    return [];
  }
  return list.filter((c) => c.shortcut.startsWith(m[1])).slice(0, 8);
}

/**
 * The suggestion menu under a text box: shows the matches of a `/shortcut` as the agent types, and
 * inserts the chosen one's text. Its keydown listener must be added before the composer's own (it
 * takes Enter while the menu is open).
 */
export class CannedMenu {
  /**
   * @param {HTMLTextAreaElement} box the composer
   * @param {HTMLUListElement} menu an empty list, shown under it
   * @param {() => Promise<Canned[]>} source the open conversation's site's canned responses
   * @param {(text: string) => void} insert puts a chosen text in the composer
   */
  constructor(box, menu, source, insert) {
    this.box = box;
    this.menu = menu;
    this.source = source;
    this.insert = insert;
    /** @type {Canned[]} what the menu shows */
    this.shown = [];
    this.active = 0;
    menu.setAttribute('role', 'listbox');
    menu.hidden = true;
    box.setAttribute('aria-autocomplete', 'list');
    box.setAttribute('aria-controls', menu.id);
    box.addEventListener('input', () => this.update());
    box.addEventListener('keydown', (e) => this.key(e));
    box.addEventListener('blur', () => setTimeout(() => this.close(), 150));
  }

  async update() {
    const typed = this.box.value;
    const list = typed.startsWith('/') ? await this.source() : [];
    if (this.box.value !== typed) {
      return; // typed on meanwhile: a later update draws
    }
    this.shown = matching(list, typed);
    this.active = 0;
    this.draw();
  }

  draw() {
    this.menu.hidden = this.shown.length === 0;
    this.menu.replaceChildren(...this.shown.map((c, i) => {
      const li = document.createElement('li');
      li.id = `${this.menu.id}-${i}`;
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', String(i === this.active));
      const name = document.createElement('strong');
      name.textContent = `/${c.shortcut}`;
      const text = document.createElement('span');
      text.textContent = c.text.length > 80 ? c.text.slice(0, 78) + '…' : c.text;
      li.append(name, ' ', text);
      li.addEventListener('mousedown', (e) => {
        e.preventDefault();
        this.choose(i);
      });
      return li;
    }));
    if (this.menu.hidden) {
      this.box.removeAttribute('aria-activedescendant');
    } else {
      this.box.setAttribute('aria-activedescendant', `${this.menu.id}-${this.active}`);
    }
  }

  /** @param {KeyboardEvent} e */
  key(e) {
    if (this.menu.hidden) {
      return;
    }
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      const n = this.shown.length;
      this.active = (this.active + (e.key === 'ArrowDown' ? 1 : n - 1)) % n;
      this.draw();
    } else if (e.key === 'Enter' || e.key === 'Tab') {
      this.choose(this.active);
    } else if (e.key === 'Escape') {
      this.close();
    } else {
      return;
    }
    e.preventDefault();
    e.stopImmediatePropagation(); // Enter inserts; it does not send
  }

  /** @param {number} i */
  choose(i) {
    const c = this.shown[i];
    this.close();
    if (c) {
      this.insert(c.text);
    }
  }

  close() {
    this.shown = [];
    this.draw();
  }
}
