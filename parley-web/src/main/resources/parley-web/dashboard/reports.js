// @ts-check
// The dashboard's reports: a site's figures for a range of days, computed by the server from the
// store (GET /api/admin/sites/{id}/report), drawn as bars on <canvas> with the same numbers in a
// table for screen readers, and downloaded as CSV (fetched with the admin's token, saved as a file).

/**
 * What /api/admin/sites/{id}/report answers (the fields shown).
 * @typedef {{count: number, medianMs: number, p90Ms: number, meanMs: number}} Durations
 * @typedef {{date: string, conversations: number, botOnly: number, handedOff: number, resolved: number,
 *   good: number, bad: number, firstResponse: Durations, resolution: Durations}} Day
 * @typedef {{site: string, from: string, to: string, timeZone: string,
 *   totals: {conversations: number, botOnly: number, handedOff: number, resolved: number, containment: number,
 *     ratings: {good: number, bad: number}},
 *   firstResponse: Durations, resolution: Durations, byHour: number[], days: Day[]}} Report
 */

/** Bot only and handed off, as .series-0 / .series-1 in dashboard.css. */
const COLORS = ['#3451d1', '#a85200'];

/**
 * Adds the reports section to {@code parent}, reading with {@code token}.
 * @param {HTMLElement} parent @param {string} token
 */
export async function showReports(parent, token) {
  const section = document.createElement('section');
  section.className = 'tile report';
  section.id = 'reports';
  section.setAttribute('aria-labelledby', 'reports-title');
  section.innerHTML = `
    <h2 id="reports-title">Reports</h2>
    <form id="report-form" class="report-form">
      <label>Site <select name="site" required></select></label>
      <label>From <input name="from" type="date" required></label>
      <label>To <input name="to" type="date" required></label>
      <button type="submit">Show</button>
      <button type="button" id="report-csv">Download CSV</button>
    </form>
    <p id="report-error" role="alert"></p>
    <dl id="report-figures" class="figures"></dl>
    <h3>Conversations per day</h3>
    <canvas id="report-days" role="img" aria-label="Conversations per day, bot only and handed off"></canvas>
    <div class="legend"><span><span class="swatch series-0" aria-hidden="true"></span>bot only</span>
      <span><span class="swatch series-1" aria-hidden="true"></span>handed off</span></div>
    <h3>Busiest hours</h3>
    <canvas id="report-hours" role="img" aria-label="Conversations opened per hour of the day"></canvas>
    <details><summary>The figures per day as a table</summary><div class="table-wrap"><table id="report-table"></table></div></details>`;
  parent.appendChild(section);
  const form = /** @type {HTMLFormElement} */ (section.querySelector('#report-form'));
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  const today = new Date();
  const iso = (/** @type {Date} */ d) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  /** @type {HTMLInputElement} */ (form.elements.namedItem('to')).value = iso(today);
  /** @type {HTMLInputElement} */ (form.elements.namedItem('from')).value = iso(new Date(today.getTime() - 29 * 86400000));
  const error = /** @type {HTMLElement} */ (section.querySelector('#report-error'));
  const headers = { Authorization: 'Bearer ' + token };

  const sites = await fetch('/api/admin/sites', { headers, cache: 'no-store' }).then((r) => (r.ok ? r.json() : []));
  const select = /** @type {HTMLSelectElement} */ (form.elements.namedItem('site'));
  select.replaceChildren(...(/** @type {{id: string, name?: string}[]} */ (sites)).map((s) => new Option(s.name ? `${s.name} (${s.id})` : s.id, s.id)));

  const query = (/** @type {string} */ format) => {
    const f = new FormData(form);
    const q = new URLSearchParams({ from: String(f.get('from')), to: String(f.get('to')), tz: zone, format });
    return `/api/admin/sites/${encodeURIComponent(String(f.get('site')))}/report?${q}`;
  };
  /** @param {Response} res */
  const failed = async (res) => {
    const body = await res.json().catch(() => ({}));
    error.textContent = body.message ? `${body.field ? body.field + ': ' : ''}${body.message}` : `the report failed (${res.status})`;
  };
  const load = async () => {
    error.textContent = '';
    const res = await fetch(query('json'), { headers, cache: 'no-store' });
    if (!res.ok) {
      await failed(res);
      return;
    }
    render(section, /** @type {Report} */ (await res.json()));
  };
  form.addEventListener('submit', (e) => { e.preventDefault(); load(); });
  /** @type {HTMLButtonElement} */ (section.querySelector('#report-csv')).addEventListener('click', async () => {
    error.textContent = '';
    const res = await fetch(query('csv'), { headers, cache: 'no-store' });
    if (!res.ok) {
      await failed(res);
      return;
    }
    const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'parley-report.csv';
    const a = document.createElement('a');
    a.href = URL.createObjectURL(await res.blob());
    a.download = name;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  });
  if (select.options.length) {
    await load();
  }
}

/** @param {number} ms @returns {string} */
function duration(ms) {
  const s = ms / 1000;
  return s < 90 ? `${Math.round(s)} s` : s < 5400 ? `${Math.round(s / 60)} min` : `${(s / 3600).toFixed(1)} h`;
}

/** @param {Durations} d @returns {string} */
function durations(d) {
  return d.count ? `${duration(d.medianMs)} median · ${duration(d.p90Ms)} p90 (${d.count})` : '—';
}

/** @param {HTMLElement} section @param {Report} r */
function render(section, r) {
  const t = r.totals;
  /** @type {[string, string][]} */
  const figures = [
    ['Conversations', String(t.conversations)],
    ['Bot only', `${t.botOnly} (${Math.round(t.containment * 100)}% containment)`],
    ['Handed off', String(t.handedOff)],
    ['First agent response', durations(r.firstResponse)],
    ['Resolution time', durations(r.resolution)],
    ['Ratings', `${t.ratings.good} good · ${t.ratings.bad} bad`],
  ];
  const dl = /** @type {HTMLElement} */ (section.querySelector('#report-figures'));
  dl.replaceChildren(...figures.map(([k, v]) => {
    const pair = document.createElement('div');
    const dt = document.createElement('dt');
    dt.textContent = k;
    const dd = document.createElement('dd');
    dd.textContent = v;
    dd.dataset.figure = k.toLowerCase().replace(/ /g, '-');
    pair.append(dt, dd);
    return pair;
  }));
  bars(/** @type {HTMLCanvasElement} */ (section.querySelector('#report-days')), r.days.map((d) => [d.botOnly, d.handedOff]), r.days.map((d) => d.date.slice(5)));
  bars(/** @type {HTMLCanvasElement} */ (section.querySelector('#report-hours')), r.byHour.map((n) => [n]), r.byHour.map((_, h) => String(h)));
  const table = /** @type {HTMLTableElement} */ (section.querySelector('#report-table'));
  const row = (/** @type {string} */ tag, /** @type {string[]} */ cells) => {
    const tr = document.createElement('tr');
    tr.append(...cells.map((c) => { const td = document.createElement(tag); td.textContent = c; return td; }));
    return tr;
  };
  table.replaceChildren(
    row('th', ['Date', 'Conversations', 'Bot only', 'Handed off', 'Resolved', 'Good', 'Bad', 'First response (median)', 'Resolution (median)']),
    ...r.days.map((d) => row('td', [d.date, String(d.conversations), String(d.botOnly), String(d.handedOff), String(d.resolved),
      String(d.good), String(d.bad), d.firstResponse.count ? duration(d.firstResponse.medianMs) : '—',
      d.resolution.count ? duration(d.resolution.medianMs) : '—'])));
}

/**
 * Stacked bars, one per label, from a shared y axis at 0.
 * @param {HTMLCanvasElement} canvas @param {number[][]} stacks @param {string[]} labels
 */
function bars(canvas, stacks, labels) {
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth;
  const h = canvas.clientHeight;
  canvas.width = w * dpr;
  canvas.height = h * dpr;
  const g = canvas.getContext('2d');
  if (!g) {
    return;
  }
  g.scale(dpr, dpr);
  g.clearRect(0, 0, w, h);
  const max = Math.max(1, ...stacks.map((s) => s.reduce((a, b) => a + b, 0)));
  const left = 30;
  const bottom = h - 14;
  const step = (w - left) / Math.max(1, stacks.length);
  g.fillStyle = '#5b6172';
  g.font = '11px system-ui';
  g.fillText(String(max), 0, 12);
  g.fillText('0', 0, bottom);
  const every = Math.ceil(stacks.length / Math.max(1, Math.floor((w - left) / 36)));
  stacks.forEach((stack, i) => {
    let y = bottom;
    stack.forEach((v, k) => {
      const bh = (v / max) * (bottom - 8);
      g.fillStyle = COLORS[k % COLORS.length];
      g.fillRect(left + i * step + 1, y - bh, Math.max(1, step - 2), bh);
      y -= bh;
    });
    if (i % every === 0) {
      g.fillStyle = '#5b6172';
      g.fillText(labels[i], left + i * step, h - 2);
    }
  });
}
