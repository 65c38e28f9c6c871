// @ts-check
// Parley's admin page (docs/OPERATIONS.md#the-admin-page): logs in as an admin over the SDK, like
// the dashboard, and keeps that connection so the agent token is renewed in band; then edits the
// live configuration through /api/admin — sites (with their bot and widget appearance, and a live
// preview that is the real widget), agents, each site's knowledge, the event webhooks' delivery log
// and the audit log. Plain ES modules, no build step.
import { ParleyClient } from '../sdk/parley.js';
import { adminApi } from './api.js';
import { sitesPane } from './sites.js';
import { agentsPane } from './agents.js';
import { auditPane } from './audit.js';
import { knowledgePane } from './knowledge.js';
import { deliveriesPane } from './deliveries.js';
import { privacyPane } from './privacy.js';

/**
 * An element by id.
 * @template {HTMLElement} [E=HTMLElement]
 * @param {string} id
 * @returns {E}
 */
const $ = (id) => /** @type {E} */ (document.getElementById(id));

/** @type {ParleyClient|null} the admin's connection: its token authenticates the REST calls */
let session = null;

/** Says `text` in the header's status line. @param {string} text */
function status(text) {
  $('status').textContent = text;
}

$('login').addEventListener('submit', async (e) => {
  e.preventDefault();
  const f = new FormData(/** @type {HTMLFormElement} */ (e.target));
  $('error').textContent = '';
  const c = new ParleyClient({
    url: location.origin, login: { user: String(f.get('user')), password: String(f.get('password')) }, maxRetries: 2,
  });
  c.on('error', (err) => { $('error').textContent = err.message; });
  try {
    const w = await c.connect();
    if (w.role !== 'admin') {
      $('error').textContent = `${w.user} is not an admin`;
      c.close();
      return;
    }
    session = c;
    begin(w.user);
  } catch (err) {
    c.close();
    if (!$('error').textContent) {
      $('error').textContent = err instanceof Error ? err.message : String(err);
    }
  }
});

/** Shows the app for the logged-in admin `user`. @param {string} user */
function begin(user) {
  $('login').hidden = true;
  $('app').hidden = false;
  status(`Logged in as ${user}`);
  const api = adminApi(() => session?.token ?? null);
  /** Lists the sites in `select` (id and name). @param {HTMLSelectElement} select */
  const fillSites = async (select) => {
    const { body } = await api.get('/api/admin/sites');
    select.replaceChildren(...(/** @type {{id: string, name?: string}[]} */ (body)).map((s) => new Option(s.name ? `${s.name} (${s.id})` : s.id, s.id)));
  };
  /** @type {Record<string, {show: () => void}>} */
  const panes = {
    sites: sitesPane(api, status),
    agents: agentsPane(api, status),
    knowledge: knowledgePane(api, status, fillSites),
    deliveries: deliveriesPane(api, fillSites),
    audit: auditPane(api),
    privacy: privacyPane(api),
  };
  const tabs = /** @type {NodeListOf<HTMLButtonElement>} */ (document.querySelectorAll('.tab'));
  /** @param {string} name */
  const open = (name) => {
    for (const t of tabs) {
      const on = t.dataset.tab === name;
      if (on) {
        t.setAttribute('aria-current', 'page');
      } else {
        t.removeAttribute('aria-current');
      }
      $(t.dataset.tab ?? '').hidden = !on;
    }
    panes[name].show();
  };
  tabs.forEach((t) => t.addEventListener('click', () => open(t.dataset.tab ?? 'sites')));
  open('sites');
}
