// The live figures' page module (dashboard/live-figures.js): the sums and rates over the nodes that
// publish into parley:stats, and, against a real server (PARLEY_URL), a visitor's join refused once
// — which is when the dashboard falls back to polling.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NodeFigures, followFigures, STATS } from '../../main/resources/parley-web/dashboard/live-figures.js';
import { T, server, until } from './helpers.mjs';

/** @param {string} node @param {number} at @param {number} connections @param {number} received */
const figures = (node, at, connections, received) => ({
  node, at, connections, messagesReceived: received, messagesDelivered: 2 * received, reconnects: 0,
  deliveryLatencyMs: { p99: node === 'n_b' ? 9 : 3 }, queueLength: 2, queueBySite: { demo: 2 },
});

test('the view sums the nodes, rates come from each node\'s own two figures, one node leads', () => {
  let now = 0;
  const nodes = new NodeFigures(() => now);
  assert.equal(nodes.add(figures('n_b', 1000, 5, 100)).lead, true, 'alone, it leads');
  const a = nodes.add(figures('n_a', 1000, 7, 50));
  assert.equal(a.lead, true, 'the first id leads');
  assert.equal(a.view.connections, 12);
  assert.equal(a.view.nodes, 2);
  assert.equal(a.view.deliveryLatencyMs.p99, 9, 'the worst node');
  const b = nodes.add(figures('n_b', 3000, 6, 140)); // 40 in 2 s
  assert.equal(b.lead, false);
  assert.equal(b.view.connections, 13);
  assert.equal(b.view.inPerSecond, 20);
  assert.equal(b.view.deliveredPerSecond, 40);
  now = 10_000; // n_a silent since 0: left out
  const c = nodes.add(figures('n_b', 4000, 6, 150));
  assert.equal(c.view.nodes, 1);
  assert.equal(c.view.connections, 6);
  assert.equal(c.lead, true);
  assert.deepEqual(c.view.queueBySite, { demo: 2 }, 'the queue is the deployment\'s, not summed');
});

test('a visitor may not follow the figures: refused once, the client closed', T, async () => {
  /** @type {string[]} */
  const refusals = [];
  /** @type {unknown[]} */
  const seen = [];
  const c = followFigures({ url: server(), onFigures: (f) => seen.push(f), onRefused: (why) => refusals.push(why) });
  await until(() => refusals.length > 0, 10000, 'the refusal');
  assert.match(refusals[0], /^forbidden: /);
  await until(() => c.state === 'closed', 10000, 'the client closed');
  assert.deepEqual(seen, []);
  assert.equal(STATS, 'parley:stats');
});
