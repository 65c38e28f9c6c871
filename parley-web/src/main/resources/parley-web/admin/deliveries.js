// @ts-check
// The admin page's delivery log (docs/OPERATIONS.md#event-webhooks): a site's event webhook
// deliveries, newest first, a page at a time (GET /api/admin/sites/{id}/deliveries?before=), with
// status, attempts, the next attempt, the last error and response code. The bodies are not shown.
import { h } from './form.js';

/** @typedef {import('./api.js').AdminApi} AdminApi */

/**
 * A delivery as the log shows it.
 * @typedef {{id: string, seq: number, event: string, webhook: string, conversation: string|null,
 *   status: 'pending'|'delivered'|'failed', attempts: number, createdAt: number, updatedAt: number,
 *   nextAttemptAt: number|null, lastError: string|null, responseCode: number|null}} Delivery
 */

const PAGE = 50;

/** @param {AdminApi} api @param {(select: HTMLSelectElement) => Promise<void>} fillSites */
export function deliveriesPane(api, fillSites) {
  const select = /** @type {HTMLSelectElement} */ (document.getElementById('deliveries-site'));
  const body = /** @type {HTMLTableSectionElement} */ (document.querySelector('#deliveries-table tbody'));
  const more = /** @type {HTMLButtonElement} */ (document.getElementById('deliveries-more'));
  const loading = /** @type {HTMLElement} */ (document.getElementById('deliveries-loading'));
  /** @type {number|null} the oldest seq shown */
  let oldest = null;

  /** @param {boolean} fresh */
  async function load(fresh) {
    if (!select.value) {
      return;
    }
    loading.hidden = false;
    loading.textContent = 'Loading…';
    try {
      const before = fresh || oldest == null ? '' : `&before=${oldest}`;
      const { body: page } = await api.get(`/api/admin/sites/${encodeURIComponent(select.value)}/deliveries?limit=${PAGE}${before}`);
      const list = /** @type {Delivery[]} */ (page);
      if (fresh) {
        body.replaceChildren();
      }
      for (const d of list) {
        const when = (/** @type {number|null} */ t) => (t == null ? '—' : new Date(t).toLocaleString());
        body.append(h('tr', { 'data-status': d.status },
          h('td', {}, when(d.createdAt)), h('td', {}, d.event), h('td', {}, d.webhook), h('td', {}, d.conversation ?? '—'),
          h('td', {}, d.status), h('td', {}, String(d.attempts)), h('td', {}, when(d.nextAttemptAt)),
          h('td', {}, [d.responseCode, d.lastError].filter((x) => x != null).join(' · ') || '—')));
      }
      if (list.length) {
        oldest = list[list.length - 1].seq;
      }
      more.hidden = list.length < PAGE;
      loading.hidden = body.children.length > 0;
      loading.textContent = 'No deliveries: the site has no event webhook, or nothing happened yet.';
    } catch (e) {
      loading.textContent = `The delivery log could not be read: ${e instanceof Error ? e.message : e}`;
    }
  }
  more.addEventListener('click', () => load(false));
  select.addEventListener('change', () => load(true));
  return {
    show: async () => {
      if (!select.options.length) {
        await fillSites(select);
      }
      await load(true);
    },
  };
}
