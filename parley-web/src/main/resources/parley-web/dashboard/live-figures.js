// @ts-check
// The live figures of the server's channel parley:stats (docs/PROTOCOL.md#server-channels), for the
// admin dashboard and the operations board: a ParleyClient that joins the channel and hands each
// node's figures to the page, and the sum over the nodes (each node publishes its own figures
// about once a second; the queue and the conversation counts are the whole deployment's). The SDK
// reconnects and resumes the channel by itself; a refused join (or a refused token) is reported
// once, and the page then falls back to polling GET /api/admin/stats. Runs on the page's event loop.
import { ParleyClient } from '../sdk/parley.js';

/** The server's channel of live figures. */
export const STATS = 'parley:stats';

/** A node not heard from for this long is left out of the sums. */
const STALE_MS = 5000;

/**
 * One node's figures, as the channel carries them (and GET /api/admin/stats answers them).
 * @typedef {object} Figures
 * @property {string} [node] the publishing node's id (absent in /api/admin/stats)
 * @property {number} at the node's time, epoch ms
 * @property {number} connections
 * @property {number} [sessions]
 * @property {number} messagesReceived
 * @property {number} messagesDelivered
 * @property {number} reconnects
 * @property {Record<string, number>} [deliveryLatencyMs]
 * @property {Record<string, number> & {count?: number}} [firstAgentResponseSeconds]
 * @property {number} queueLength
 * @property {Record<string, number>} [queueBySite]
 * @property {Record<string, number>} [conversations]
 * @property {Record<string, {good: number, bad: number}>} [ratings] only in /api/admin/stats
 */

/**
 * What a page shows: the sums over the nodes heard from lately, rates per second (reconnects per
 * minute), the worst node's latencies and the deployment's queue.
 * @typedef {object} View
 * @property {number} at
 * @property {number} nodes
 * @property {number} connections
 * @property {number} inPerSecond
 * @property {number} deliveredPerSecond
 * @property {number} reconnectsPerMinute
 * @property {Record<string, number>} deliveryLatencyMs
 * @property {Figures['firstAgentResponseSeconds']} firstAgentResponseSeconds
 * @property {number} queueLength
 * @property {Record<string, number>} queueBySite
 * @property {Record<string, number>} conversations
 */

/** Each node's last figures and rates; {@link NodeFigures#add} answers the view after each. */
export class NodeFigures {
  /** @param {() => number} [now] the page's clock, for staleness */
  constructor(now = Date.now) {
    this.now = now;
    /** @type {Map<string, {last: Figures, seen: number, in: number, delivered: number, reconnects: number}>} */
    this.nodes = new Map();
  }

  /**
   * Takes one node's figures.
   * @param {Figures} f
   * @returns {{view: View, lead: boolean}} `lead`: from the first node in id order, so a page adds
   *     one point per tick however many nodes publish
   */
  add(f) {
    const id = f.node ?? '';
    const had = this.nodes.get(id)?.last;
    const dt = had ? (f.at - had.at) / 1000 : 0;
    /** @param {'messagesReceived'|'messagesDelivered'|'reconnects'} k */
    const rate = (k) => (had && dt > 0 ? Math.max(0, f[k] - had[k]) / dt : 0);
    const seen = this.now();
    this.nodes.set(id, { last: f, seen, in: rate('messagesReceived'), delivered: rate('messagesDelivered'), reconnects: rate('reconnects') * 60 });
    for (const [n, v] of this.nodes) {
      if (seen - v.seen > STALE_MS) {
        this.nodes.delete(n);
      }
    }
    const all = [...this.nodes.values()];
    const sum = (/** @type {(v: typeof all[0]) => number} */ g) => all.reduce((a, v) => a + (g(v) || 0), 0);
    /** @type {Record<string, number>} */
    const latency = {};
    for (const v of all) {
      for (const [p, ms] of Object.entries(v.last.deliveryLatencyMs ?? {})) {
        latency[p] = Math.max(latency[p] ?? 0, ms);
      }
    }
    return {
      lead: [...this.nodes.keys()].sort()[0] === id,
      view: {
        at: f.at,
        nodes: all.length,
        connections: sum((v) => v.last.connections),
        inPerSecond: sum((v) => v.in),
        deliveredPerSecond: sum((v) => v.delivered),
        reconnectsPerMinute: sum((v) => v.reconnects),
        deliveryLatencyMs: latency,
        firstAgentResponseSeconds: f.firstAgentResponseSeconds,
        queueLength: f.queueLength,
        queueBySite: f.queueBySite ?? {},
        conversations: f.conversations ?? {},
      },
    };
  }
}

/**
 * Follows parley:stats with `token` (renewed before it expires by `tokenProvider`, when given) or an
 * admin's `login` (renewed by the SDK): `onFigures` gets every node's figures as they arrive (after a
 * reconnect, the ones the channel's short window still holds first); `onRefused` once, if the
 * server refuses the token or the join, after which the client is closed; `onStatus` a short text
 * for the page's status line.
 * @param {{url: string, token?: string, tokenProvider?: () => Promise<string>, login?: {user: string, password: string}, onFigures: (f: Figures) => void, onRefused: (why: string) => void, onStatus?: (text: string) => void}} o
 * @returns {ParleyClient}
 */
export function followFigures(o) {
  const c = new ParleyClient({ url: o.url, token: o.token, tokenProvider: o.tokenProvider, login: o.login });
  let refused = false;
  const refuse = (/** @type {string} */ why) => {
    if (!refused) {
      refused = true;
      c.close();
      o.onRefused(why);
    }
  };
  c.on('message', (m) => {
    if (m.conv === STATS && m.kind === 'server') {
      try {
        o.onFigures(JSON.parse(m.text));
      } catch {
        // not figures: nothing to show
      }
    }
  });
  c.on('error', (e) => {
    // A refusal, not a passing failure (store_unavailable says "join again"; the SDK retries
    // rate_limited joins itself): the token (hello, auth) or the channel (join).
    if (e.code === 'unauthorized' || (e.conv === STATS && (e.code === 'forbidden' || e.code === 'unknown_namespace'))) {
      refuse(e.code + ': ' + e.message);
    } else if (e.conv === STATS && e.retry && e.code !== 'rate_limited') {
      setTimeout(() => c.state === 'connected' && c.join(STATS), 1000); // e.g. access not checked
    }
  });
  c.on('joined', (j) => j.conv === STATS && o.onStatus?.('live over ' + STATS));
  c.on('state', ({ state }) => state !== 'connected' && state !== 'closed' && o.onStatus?.(state + '…'));
  c.join(STATS);
  c.connect().catch((e) => refuse(e instanceof Error ? e.message : String(e)));
  return c;
}
