// @ts-check
// Parley admin dashboard: logs in as an admin over the SDK (for the token), then follows the live
// figures the server publishes into its channel parley:stats about once a second (live-figures.js,
// over the SDK, which reconnects and resumes by itself) and draws live charts: one point per tick,
// summed over the cluster's nodes. Only if the server refuses the channel does it poll
// /api/admin/stats every two seconds instead. The ratings (a week's counts) are read from
// /api/admin/stats at the start and every minute. Rates come from two snapshots' counters and
// times. The charts are drawn on <canvas> here: no library to load. A figure the server does not
// have (no first agent response yet, say) is a gap in its chart and "—", not 0.
import { ParleyClient } from '../sdk/parley.js';
import { followFigures, NodeFigures } from './live-figures.js';
import { showReports } from './reports.js';

/**
 * An element by id.
 * @template {HTMLElement} [E=HTMLElement]
 * @param {string} id
 * @returns {E}
 */
const $ = (id) => /** @type {E} */ (document.getElementById(id));
const POLL_MS = 2000;
const RATINGS_MS = 60000;
const KEEP = 150; // points per chart: five minutes

const TILES = [
  { id: 'connections', title: 'Live connections', series: ['connections'], unit: '' },
  { id: 'rate', title: 'Messages per second', series: ['in', 'delivered'], unit: '/s' },
  { id: 'latency', title: 'Delivery latency (ms)', series: ['p50', 'p95', 'p99'], unit: ' ms' },
  { id: 'reconnects', title: 'Reconnects per minute', series: ['reconnects'], unit: '/min' },
  { id: 'queue', title: 'Queue length', series: ['queued'], unit: '' },
  { id: 'frt', title: 'First agent response (s)', series: ['p50', 'p95'], unit: ' s' },
];
/** The series' colours, as .series-N in dashboard.css: each 4.5:1 or more against white. */
const COLORS = ['#3451d1', '#a85200', '#c5221f'];
/** @type {Record<string, Record<string, (number|null)[]>>} points per tile and series, oldest first */
const data = Object.fromEntries(TILES.map((t) => [t.id, Object.fromEntries(t.series.map((s) => [s, []]))]));
/** @type {string|null} */
let token = null;
/** Each node's last figures: rates and sums over the cluster. */
const nodes = new NodeFigures();
/** Whether the server refused the channel and the figures are polled. */
let polling = false;

/** @typedef {import('./live-figures.js').Figures} Figures */
/** @typedef {import('./live-figures.js').View} View */

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
      return;
    }
    token = c.token;
    sessionStorage.setItem('parley:dashboard:token', token ?? '');
    begin();
  } catch (err) {
    if (!$('error').textContent) {
      $('error').textContent = err instanceof Error ? err.message : String(err);
    }
  } finally {
    c.close();
  }
});

function begin() {
  $('login').hidden = true;
  const main = $('charts');
  main.hidden = false;
  main.replaceChildren(...TILES.map((t) => {
    const tile = document.createElement('section');
    tile.className = 'tile';
    tile.id = 'tile-' + t.id;
    const h = document.createElement('h2');
    h.textContent = t.title;
    const v = document.createElement('div');
    v.className = 'value';
    v.setAttribute('aria-live', 'off');
    const canvas = document.createElement('canvas');
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', t.title + ' over the last five minutes');
    const legend = document.createElement('div');
    legend.className = 'legend';
    legend.append(...t.series.map((s, i) => {
      const key = document.createElement('span');
      const swatch = document.createElement('span');
      swatch.className = `swatch series-${i % COLORS.length}`;
      swatch.setAttribute('aria-hidden', 'true');
      key.append(swatch, s);
      return key;
    }));
    tile.append(h, v, canvas, legend);
    if (t.id === 'frt') {
      const note = document.createElement('p');
      note.className = 'note';
      note.id = 'frt-note';
      tile.append(note);
    }
    return tile;
  }));
  const extra = document.createElement('section');
  extra.className = 'tile';
  const title = document.createElement('h2');
  title.textContent = 'Conversations by status';
  const value = document.createElement('div');
  value.className = 'value';
  value.id = 'by-status';
  extra.append(title, value);
  main.appendChild(extra);
  const rated = document.createElement('section');
  rated.className = 'tile';
  const ratedTitle = document.createElement('h2');
  ratedTitle.textContent = 'Ratings, last 7 days';
  const ratedValue = document.createElement('div');
  ratedValue.className = 'value';
  ratedValue.id = 'ratings';
  rated.append(ratedTitle, ratedValue);
  main.appendChild(rated);
  showReports(main, token ?? '').catch((e) => { $('status').textContent = 'reports: ' + String(e); });
  stats(); // the ratings; the figures come over the channel within a second
  setInterval(stats, RATINGS_MS);
  followFigures({
    url: location.origin,
    token: token ?? '',
    onFigures: take,
    onStatus: (text) => { $('status').textContent = text; },
    onRefused: (why) => {
      polling = true;
      $('status').textContent = 'polling (' + why + ')';
      setInterval(() => stats().then((f) => f && take(f)), POLL_MS);
    },
  });
}

/**
 * Reads /api/admin/stats: shows its ratings and answers its figures (null when unreachable); a
 * refused token sends the page back to the login.
 * @returns {Promise<Figures|null>}
 */
async function stats() {
  try {
    const res = await fetch('/api/admin/stats', { headers: { Authorization: 'Bearer ' + token }, cache: 'no-store' });
    if (res.status === 401 || res.status === 403) {
      sessionStorage.removeItem('parley:dashboard:token');
      location.reload();
      return null;
    }
    /** @type {Figures} */
    const s = await res.json();
    $('ratings').textContent = Object.entries(s.ratings || {}).filter(([, r]) => r.good + r.bad > 0)
      .map(([site, r]) => `${site}: ${r.good} good · ${r.bad} bad`).join('; ') || '—';
    return s;
  } catch {
    $('status').textContent = 'server unreachable; retrying…';
    return null;
  }
}

/** One node's figures: a new point in every chart when they come from the lead node. @param {Figures} f */
function take(f) {
  const { view, lead } = nodes.add(f);
  if (lead) {
    show(view);
  }
}

/** @param {View} s */
function show(s) {
  $('charts').dataset.source = polling ? 'poll' : 'channel'; // where the last figures came from
  $('status').textContent = `${polling ? 'polled' : 'live'} · ${new Date(s.at).toLocaleTimeString()}${s.nodes > 1 ? ` · ${s.nodes} nodes` : ''}`;
  /** @param {string} tile @param {string} series @param {number|null|undefined} value */
  const add = (tile, series, value) => {
    const arr = data[tile][series];
    arr.push(value != null && Number.isFinite(value) ? value : null);
    if (arr.length > KEEP) {
      arr.shift();
    }
  };
  add('connections', 'connections', s.connections);
  add('rate', 'in', s.inPerSecond);
  add('rate', 'delivered', s.deliveredPerSecond);
  add('reconnects', 'reconnects', s.reconnectsPerMinute);
  for (const p of ['p50', 'p95', 'p99']) {
    add('latency', p, s.deliveryLatencyMs[p]);
  }
  add('queue', 'queued', s.queueLength);
  // With a count, the server says how many first responses the figures cover: none is "no data".
  const frt = s.firstAgentResponseSeconds;
  const frtKnown = frt != null && (frt.count === undefined || frt.count > 0);
  add('frt', 'p50', frtKnown ? frt.p50 : null);
  add('frt', 'p95', frtKnown ? frt.p95 : null);
  $('frt-note').textContent = frt?.count === undefined ? '' : `${frt.count} first responses so far`;
  for (const t of TILES) {
    const tile = $('tile-' + t.id);
    const first = data[t.id][t.series[0]];
    const last = first[first.length - 1];
    /** @type {HTMLElement} */ (tile.querySelector('.value')).textContent = last == null ? '—' : format(last) + t.unit;
    draw(/** @type {HTMLCanvasElement} */ (tile.querySelector('canvas')), t.series.map((name) => data[t.id][name]));
  }
  $('by-status').textContent = Object.entries(s.conversations).map(([k, v]) => `${k} ${v}`).join(' · ') || '—';
}

/** @param {number} v @returns {string} */
function format(v) {
  return v >= 100 || Number.isInteger(v) ? String(Math.round(v)) : v.toFixed(1);
}

/**
 * A line chart of several series sharing one y axis from 0; a null point is a gap.
 * @param {HTMLCanvasElement} canvas @param {(number|null)[][]} series
 */
function draw(canvas, series) {
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
  const max = Math.max(1, ...series.flat().map((v) => v ?? 0)) * 1.1;
  g.strokeStyle = '#e1e4ee';
  g.fillStyle = '#5b6172';
  g.font = '11px system-ui';
  for (const f of [0, 0.5, 1]) {
    const y = h - 14 - f * (h - 24);
    g.beginPath();
    g.moveTo(30, y);
    g.lineTo(w, y);
    g.stroke();
    g.fillText(format(max * f), 0, y + 4);
  }
  series.forEach((points, i) => {
    g.strokeStyle = COLORS[i % COLORS.length];
    g.lineWidth = 2;
    g.beginPath();
    let drawing = false;
    points.forEach((v, x) => {
      if (v == null) {
        drawing = false;
        return;
      }
      const px = 30 + (x / (KEEP - 1)) * (w - 30);
      const py = h - 14 - (v / max) * (h - 24);
      if (drawing) {
        g.lineTo(px, py);
      } else {
        g.moveTo(px, py);
        drawing = true;
      }
    });
    g.stroke();
    const last = points[points.length - 1];
    if (last != null) {
      // the latest value as a dot, so a chart with one point so far shows something
      g.fillStyle = COLORS[i % COLORS.length];
      g.beginPath();
      g.arc(30 + ((points.length - 1) / (KEEP - 1)) * (w - 30), h - 14 - (last / max) * (h - 24), 3, 0, 2 * Math.PI);
      g.fill();
    }
  });
}

token = sessionStorage.getItem('parley:dashboard:token');
if (token) {
  begin();
}
