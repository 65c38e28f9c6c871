// @ts-check
// The admin page's knowledge pane (docs/OPERATIONS.md#knowledge): a site's documents with their
// status, upload by button or drag and drop (Markdown, text, HTML, PDF: the raw bytes to
// POST …/knowledge?filename=), fetch a web page, crawl a sitemap (POST …/knowledge/crawl, its
// progress read every two seconds until it ends), delete, and re-index. While a document is being
// indexed the list is read again every two seconds.
import { h } from './form.js';
import { ApiError } from './api.js';

/** @typedef {import('./api.js').AdminApi} AdminApi */

/**
 * A knowledge document as the API lists it.
 * @typedef {{id: string, title: string, source: string, mediaType: string, size: number,
 *   status: 'indexing'|'ready'|'failed', reason?: string, language?: string, updatedAt: number}} Doc
 */

/**
 * A sitemap crawl as the API shows it.
 * @typedef {{id: string, state: 'running'|'done'|'timed_out'|'failed', reason?: string, found: number,
 *   fetched: number, stored: number, unchanged: number, failed: number,
 *   failures: {url: string, reason: string}[]}} CrawlView
 */

const POLL_MS = 2000;

/** @param {number} n @returns {string} */
function bytes(n) {
  return n < 1024 ? `${n} B` : n < 1048576 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1048576).toFixed(1)} MiB`;
}

/** @param {unknown} e @returns {string} */
function message(e) {
  return e instanceof ApiError ? `${e.field ? e.field + ': ' : ''}${e.message}` : e instanceof Error ? e.message : String(e);
}

/**
 * @param {AdminApi} api @param {(text: string) => void} status
 * @param {(select: HTMLSelectElement) => Promise<void>} fillSites
 */
export function knowledgePane(api, status, fillSites) {
  const select = /** @type {HTMLSelectElement} */ (document.getElementById('knowledge-site'));
  const body = /** @type {HTMLTableSectionElement} */ (document.querySelector('#knowledge-table tbody'));
  const empty = /** @type {HTMLElement} */ (document.getElementById('knowledge-empty'));
  const error = /** @type {HTMLElement} */ (document.getElementById('knowledge-error'));
  const file = /** @type {HTMLInputElement} */ (document.getElementById('knowledge-file'));
  const drop = /** @type {HTMLElement} */ (document.getElementById('knowledge-drop'));
  const fetchForm = /** @type {HTMLFormElement} */ (document.getElementById('knowledge-fetch'));
  const crawlForm = /** @type {HTMLFormElement} */ (document.getElementById('knowledge-crawl'));
  const crawlStatus = /** @type {HTMLElement} */ (document.getElementById('knowledge-crawl-status'));
  /** @type {ReturnType<typeof setTimeout>|null} */
  let timer = null;
  const base = () => `/api/admin/sites/${encodeURIComponent(select.value)}/knowledge`;

  async function load() {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    if (!select.value) {
      return;
    }
    try {
      const { body: docs } = await api.get(base());
      render(/** @type {Doc[]} */ (docs));
      if (/** @type {Doc[]} */ (docs).some((d) => d.status === 'indexing')) {
        timer = setTimeout(load, POLL_MS);
      }
    } catch (e) {
      error.textContent = `The documents could not be read: ${message(e)}`;
    }
  }

  /** @param {Doc[]} docs */
  function render(docs) {
    empty.hidden = docs.length > 0;
    body.replaceChildren(...docs.map((d) => {
      const remove = h('button', { type: 'button', class: 'secondary', 'aria-label': `Delete ${d.title}` }, 'Delete');
      remove.addEventListener('click', async () => {
        if (!confirm(`Delete "${d.title}"? The bot stops answering from it.`)) {
          return;
        }
        try {
          await api.del(`${base()}/${encodeURIComponent(d.id)}`);
          status(`Deleted ${d.title}`);
          await load();
        } catch (e) {
          error.textContent = message(e);
        }
      });
      const state = h('td', { 'data-status': d.status }, d.status === 'failed' ? `failed: ${d.reason ?? ''}` : d.reason ? `${d.status} (${d.reason})` : d.status);
      return h('tr', { 'data-id': d.id },
        h('td', {}, d.title), state, h('td', {}, d.mediaType), h('td', {}, d.language ?? '—'),
        h('td', {}, bytes(d.size)), h('td', {}, new Date(d.updatedAt).toLocaleString()), h('td', {}, remove));
    }));
  }

  /** @param {File[]} files */
  async function upload(files) {
    error.textContent = '';
    for (const f of files) {
      status(`Uploading ${f.name}…`);
      try {
        const { body: doc } = await api.upload(`${base()}?filename=${encodeURIComponent(f.name)}`, f);
        const d = /** @type {Doc} */ (doc);
        status(d.status === 'failed' ? `${f.name} could not be read: ${d.reason}` : `${f.name}: ${d.status}`);
      } catch (e) {
        error.textContent = `${f.name}: ${message(e)}`;
      }
    }
    await load();
  }

  file.addEventListener('change', () => {
    upload([...(file.files ?? [])]);
    file.value = '';
  });
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    upload([...(e.dataTransfer?.files ?? [])]);
  });
  fetchForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    const url = String(new FormData(fetchForm).get('url') ?? '').trim();
    status(`Fetching ${url}…`);
    try {
      const { body: doc } = await api.post(`${base()}/fetch`, { url });
      status(`${/** @type {Doc} */ (doc).title}: ${/** @type {Doc} */ (doc).status}`);
      fetchForm.reset();
    } catch (err) {
      error.textContent = message(err);
      status('');
    }
    await load();
  });
  /** @param {CrawlView} c @returns {string} */
  function crawlText(c) {
    const counts = `${c.found} pages found, ${c.fetched} fetched, ${c.stored} stored, ${c.unchanged} unchanged, ${c.failed} failed`;
    const state = { running: 'Crawling…', done: 'Crawl done', timed_out: 'Crawl timed out', failed: 'Crawl failed' }[c.state];
    return `${state}${c.reason ? ` (${c.reason})` : ''}: ${counts}`;
  }

  /** @param {string} site @param {string} id */
  async function followCrawl(site, id) {
    try {
      const { body } = await api.get(`/api/admin/sites/${encodeURIComponent(site)}/knowledge/crawl/${encodeURIComponent(id)}`);
      const c = /** @type {CrawlView} */ (body);
      crawlStatus.hidden = false;
      crawlStatus.dataset.state = c.state;
      crawlStatus.replaceChildren(crawlText(c), ...(c.failures.length
        ? [h('ul', {}, ...c.failures.map((f) => h('li', {}, `${f.url}: ${f.reason}`)))] : []));
      if (c.state === 'running') {
        setTimeout(() => followCrawl(site, id), POLL_MS);
      } else if (site === select.value) {
        await load();
      }
    } catch (e) {
      error.textContent = `The crawl could not be read: ${message(e)}`;
    }
  }

  crawlForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    const url = String(new FormData(crawlForm).get('url') ?? '').trim();
    try {
      const { body } = await api.post(`${base()}/crawl`, { url });
      crawlForm.reset();
      await followCrawl(select.value, /** @type {CrawlView} */ (body).id);
    } catch (err) {
      error.textContent = message(err);
    }
  });
  /** @type {HTMLButtonElement} */ (document.getElementById('knowledge-reindex')).addEventListener('click', async () => {
    error.textContent = '';
    try {
      await api.post(`${base()}/reindex`, {});
      status(`Re-indexed ${select.value} on every node`);
    } catch (e) {
      error.textContent = message(e);
    }
    await load();
  });
  select.addEventListener('change', () => { error.textContent = ''; load(); });
  return {
    show: async () => {
      if (!select.options.length) {
        await fillSites(select);
      }
      await load();
    },
  };
}
