// @ts-check
// Parley's example operations board: connections, messages per second and the queue per site,
// live over the server's channel parley:stats with the JS SDK (../dashboard/live-figures.js), summed
// over the cluster's nodes. Another site embeds it in a frame whose address carries a token its
// backend signed with a `channels` claim granting parley:stats (`/ops-board/#token=…`; the fragment
// never reaches a server's log); without one it asks for an admin's login. A token expires: a minute
// before, the framed board asks its embedding page for a fresh one (tokenFromParent: docs/CLIENTS.md
// #the-operations-boards-token), and an admin's login is renewed by the SDK. The SDK reconnects and
// resumes the channel by itself; a refused token or join is shown, not retried.
import { followFigures, NodeFigures } from '../dashboard/live-figures.js';

/**
 * An element by id.
 * @template {HTMLElement} [E=HTMLElement]
 * @param {string} id
 * @returns {E}
 */
const $ = (id) => /** @type {E} */ (document.getElementById(id));
/** Each node's last figures: rates and sums over the cluster. */
const nodes = new NodeFigures();
/** @typedef {import('../dashboard/live-figures.js').View} View */

/** How long the board waits for its embedding page's fresh token. */
const TOKEN_WAIT_MS = 30000;

/**
 * Fresh tokens from the page that frames the board, for the SDK to renew its token with (asked a
 * minute before it expires): posts `{type: 'parley-ops-board:token-needed'}` to the parent (it
 * carries nothing secret) and takes the first `{type: 'parley-ops-board:token', token}` that the
 * parent window posts back. Unframed, none: the token lasts until it expires.
 * @returns {(() => Promise<string>) | undefined}
 */
function tokenFromParent() {
  if (window.parent === window) {
    return undefined;
  }
  return () => new Promise((resolve, reject) => {
    const done = () => { clearTimeout(timer); removeEventListener('message', take); };
    const timer = setTimeout(() => { done(); reject(new Error('the embedding page sent no token')); }, TOKEN_WAIT_MS);
    const take = (/** @type {MessageEvent} */ e) => {
      if (e.source === window.parent && e.data?.type === 'parley-ops-board:token' && typeof e.data.token === 'string') {
        done();
        resolve(e.data.token);
      }
    };
    addEventListener('message', take);
    window.parent.postMessage({ type: 'parley-ops-board:token-needed' }, '*');
  });
}

/**
 * Shows the board and follows the figures with `token` (and its renewals) or `login`.
 * @param {{token?: string, tokenProvider?: () => Promise<string>, login?: {user: string, password: string}}} who
 */
function follow(who) {
  $('error').textContent = '';
  followFigures({
    url: location.origin,
    ...who,
    onFigures: (f) => {
      const { view, lead } = nodes.add(f);
      if (lead) {
        show(view);
      }
    },
    onStatus: (text) => { $('status').textContent = text; },
    onRefused: (why) => {
      $('board').hidden = true;
      $('login').hidden = false;
      $('status').textContent = 'refused';
      $('error').textContent = `The server refused the figures (${why}). An admin may log in, or open this page with a token that grants parley:stats.`;
    },
  });
  $('login').hidden = true;
  $('board').hidden = false;
}

/** @param {number} v @returns {string} */
function format(v) {
  return v >= 100 || Number.isInteger(v) ? String(Math.round(v)) : v.toFixed(1);
}

/** @param {View} v */
function show(v) {
  $('status').textContent = 'live · ' + new Date(v.at).toLocaleTimeString();
  $('connections').textContent = format(v.connections);
  $('nodes').textContent = v.nodes > 1 ? `over ${v.nodes} nodes` : '';
  $('rate').textContent = format(v.inPerSecond);
  $('delivered').textContent = `received · ${format(v.deliveredPerSecond)} delivered per second`;
  $('queued').textContent = format(v.queueLength);
  const sites = Object.entries(v.queueBySite).sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
  $('queues').replaceChildren(...sites.map(([site, n]) => {
    const li = document.createElement('li');
    li.className = n > 0 ? 'busy' : '';
    const name = document.createElement('span');
    name.className = 'site';
    name.textContent = site;
    const count = document.createElement('span');
    count.className = 'n';
    count.textContent = String(n);
    li.append(name, count);
    return li;
  }));
}

$('login').addEventListener('submit', (e) => {
  e.preventDefault();
  const f = new FormData(/** @type {HTMLFormElement} */ (e.target));
  follow({ login: { user: String(f.get('user')), password: String(f.get('password')) } });
});

const token = new URLSearchParams(location.hash.slice(1)).get('token');
if (token) {
  history.replaceState(null, '', location.pathname + location.search); // out of the address bar
  follow({ token, tokenProvider: tokenFromParent() });
} else {
  $('login').hidden = false;
}
