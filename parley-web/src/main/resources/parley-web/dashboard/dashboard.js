// Parley admin dashboard: logs in as an admin over the SDK (for the token), then reads
// /api/admin/stats every two seconds and draws live charts. Rates come from two snapshots'
// counters and times. The charts are drawn on <canvas> here: no library to load.
import { ParleyClient } from '../sdk/parley.js';

const $ = (id) => document.getElementById(id);
const POLL_MS = 2000;
const KEEP = 150; // points per chart: five minutes

const TILES = [
  { id: 'connections', title: 'Live connections', series: ['connections'], unit: '' },
  { id: 'rate', title: 'Messages per second', series: ['in', 'delivered'], unit: '/s' },
  { id: 'latency', title: 'Delivery latency (ms)', series: ['p50', 'p95', 'p99'], unit: ' ms' },
  { id: 'reconnects', title: 'Reconnects per minute', series: ['reconnects'], unit: '/min' },
  { id: 'queue', title: 'Queue length', series: ['queued'], unit: '' },
  { id: 'frt', title: 'First agent response (s)', series: ['p50', 'p95'], unit: ' s' },
];
const COLORS = ['#3451d1', '#e8710a', '#d93025'];
const data = Object.fromEntries(TILES.map((t) => [t.id, Object.fromEntries(t.series.map((s) => [s, []]))]));
let previous = null;
let token = null;

$('login').addEventListener('submit', async (e) => {
  e.preventDefault();
  const f = new FormData(e.target);
  $('error').textContent = '';
  const c = new ParleyClient({ url: location.origin, login: { user: f.get('user'), password: f.get('password') }, maxRetries: 2 });
  c.on('error', (err) => { $('error').textContent = err.message; });
  try {
    const w = await c.connect();
    if (w.role !== 'admin') {
      $('error').textContent = `${w.user} is not an admin`;
      return;
    }
    token = w.token;
    sessionStorage.setItem('parley:dashboard:token', token);
    begin();
  } catch (err) {
    if (!$('error').textContent) {
      $('error').textContent = err.message;
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
      key.style.color = COLORS[i % COLORS.length];
      key.textContent = `■ ${s}  `;
      return key;
    }));
    tile.append(h, v, canvas, legend);
    return tile;
  }));
  const extra = document.createElement('section');
  extra.className = 'tile';
  extra.innerHTML = '<h2>Conversations by status</h2><div class="value" id="by-status"></div>';
  main.appendChild(extra);
  poll();
  setInterval(poll, POLL_MS);
}

async function poll() {
  let s;
  try {
    const res = await fetch('/api/admin/stats', { headers: { Authorization: 'Bearer ' + token }, cache: 'no-store' });
    if (res.status === 401 || res.status === 403) {
      sessionStorage.removeItem('parley:dashboard:token');
      location.reload();
      return;
    }
    s = await res.json();
    $('status').textContent = 'live · ' + new Date(s.at).toLocaleTimeString();
  } catch (e) {
    $('status').textContent = 'server unreachable; retrying…';
    return;
  }
  const add = (tile, series, value) => {
    const arr = data[tile][series];
    arr.push(Number.isFinite(value) ? value : 0);
    if (arr.length > KEEP) {
      arr.shift();
    }
  };
  add('connections', 'connections', s.connections);
  if (previous) {
    const dt = (s.at - previous.at) / 1000;
    add('rate', 'in', (s.messagesReceived - previous.messagesReceived) / dt);
    add('rate', 'delivered', (s.messagesDelivered - previous.messagesDelivered) / dt);
    add('reconnects', 'reconnects', (s.reconnects - previous.reconnects) * 60 / dt);
  } else {
    add('rate', 'in', 0);
    add('rate', 'delivered', 0);
    add('reconnects', 'reconnects', 0);
  }
  for (const p of ['p50', 'p95', 'p99']) {
    add('latency', p, s.deliveryLatencyMs?.[p] ?? 0);
  }
  add('queue', 'queued', s.queueLength);
  add('frt', 'p50', s.firstAgentResponseSeconds?.p50 ?? 0);
  add('frt', 'p95', s.firstAgentResponseSeconds?.p95 ?? 0);
  previous = s;
  for (const t of TILES) {
    const tile = $('tile-' + t.id);
    const first = data[t.id][t.series[0]];
    tile.querySelector('.value').textContent = format(first[first.length - 1]) + t.unit;
    draw(tile.querySelector('canvas'), t.series.map((name) => data[t.id][name]));
  }
  $('by-status').textContent = Object.entries(s.conversations || {}).map(([k, v]) => `${k} ${v}`).join(' · ') || '—';
}

function format(v) {
  return v >= 100 || Number.isInteger(v) ? String(Math.round(v)) : v.toFixed(1);
}

/** A line chart of several series sharing one y axis from 0. */
function draw(canvas, series) {
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth;
  const h = canvas.clientHeight;
  canvas.width = w * dpr;
  canvas.height = h * dpr;
  const g = canvas.getContext('2d');
  g.scale(dpr, dpr);
  g.clearRect(0, 0, w, h);
  const max = Math.max(1, ...series.flat()) * 1.1;
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
    points.forEach((v, x) => {
      const px = 30 + (x / (KEEP - 1)) * (w - 30);
      const py = h - 14 - (v / max) * (h - 24);
      if (x === 0) {
        g.moveTo(px, py);
      } else {
        g.lineTo(px, py);
      }
    });
    g.stroke();
    if (points.length) {
      // the latest value as a dot, so a chart with one point so far shows something
      const last = points[points.length - 1];
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
