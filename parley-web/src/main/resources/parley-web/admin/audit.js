// @ts-check
// The admin page's audit log: every change of the configuration, newest first, a page at a time
// (GET /api/admin/audit?limit=&before=).
import { h } from './form.js';

/** @typedef {import('./api.js').AdminApi} AdminApi */

/**
 * A record of the audit log.
 * @typedef {object} AuditRecord
 * @property {number} atMillis
 * @property {string} actor
 * @property {string} action
 * @property {string} kind
 * @property {string} id
 * @property {string} [detail]
 */

const PAGE = 50;

/** @param {AdminApi} api */
export function auditPane(api) {
  const body = /** @type {HTMLTableSectionElement} */ (document.querySelector('#audit-table tbody'));
  const more = /** @type {HTMLButtonElement} */ (document.getElementById('audit-more'));
  const loading = /** @type {HTMLElement} */ (document.getElementById('audit-loading'));
  /** @type {number|null} the oldest time shown */
  let oldest = null;

  /** @param {boolean} fresh */
  async function load(fresh) {
    loading.hidden = false;
    loading.textContent = 'Loading…';
    try {
      const before = fresh || oldest == null ? '' : `&before=${oldest}`;
      const { body: records } = await api.get(`/api/admin/audit?limit=${PAGE}${before}`);
      const list = /** @type {AuditRecord[]} */ (records);
      if (fresh) {
        body.replaceChildren();
      }
      for (const r of list) {
        body.append(h('tr', {},
          h('td', {}, new Date(r.atMillis).toLocaleString()), h('td', {}, r.actor), h('td', {}, r.action),
          h('td', {}, `${r.kind} ${r.id}`), h('td', {}, r.detail ?? '')));
      }
      if (list.length) {
        oldest = list[list.length - 1].atMillis;
      }
      more.hidden = list.length < PAGE;
      loading.hidden = body.children.length > 0;
      loading.textContent = 'No changes yet.';
    } catch (e) {
      loading.textContent = `The audit log could not be read: ${e instanceof Error ? e.message : e}`;
    }
  }
  more.addEventListener('click', () => load(false));
  return { show: () => load(true) };
}
