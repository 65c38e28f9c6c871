// Back online fast (docs/CLIENTS.md#reconnect-with-backoff-and-full-jitter): while the SDK waits
// out a long backoff after a network failure, the browser's `online` event or the page becoming
// visible makes it reconnect at once; after a close the server chose, the jittered wait stays.
// `window` and `document` are plain EventTargets standing in for the browser's; the server and
// the network (a TCP proxy) are real.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { T, until, proxy, client, countingWebSocket } from './helpers.mjs';

/** A client that would wait a whole minute before its next attempt (the jitter draws its maximum). */
function patient(url, extra = {}) {
  const win = new EventTarget();
  const doc = new EventTarget();
  doc.visibilityState = 'visible';
  const { WebSocket, counts } = countingWebSocket();
  const c = client(url, {
    transports: ['websocket'], initialBackoffMs: 60000, maxBackoffMs: 60000, random: () => 0.999,
    window: win, document: doc, WebSocket, ...extra,
  });
  return { c, win, doc, counts };
}

test('after a network loss the online event reconnects at once instead of after the backoff', T, async () => {
  const p = await proxy();
  const { c, win, counts } = patient(p.url);
  try {
    await c.connect();
    p.refuse(true);
    p.cut();
    await until(() => c.nextAttemptAt > 0, 10000, 'a reconnect scheduled');
    assert.ok(c.nextAttemptAt - Date.now() > 30000, 'the backoff alone would wait most of a minute');
    p.refuse(false);
    const before = counts.opened;
    win.dispatchEvent(new Event('online'));
    assert.equal(counts.opened, before + 1, 'a new connection at once');
    await until(() => c.state === 'connected', 10000, 'connected again');
  } finally {
    c.close();
    p.close();
  }
});

test('the page becoming visible again reconnects at once as well', T, async () => {
  const p = await proxy();
  const { c, doc, counts } = patient(p.url);
  try {
    await c.connect();
    p.refuse(true);
    p.cut();
    await until(() => c.nextAttemptAt > 0, 10000, 'a reconnect scheduled');
    p.refuse(false);
    doc.visibilityState = 'hidden';
    doc.dispatchEvent(new Event('visibilitychange'));
    assert.ok(c.nextAttemptAt > 0, 'hiding the page changes nothing');
    const before = counts.opened;
    doc.visibilityState = 'visible';
    doc.dispatchEvent(new Event('visibilitychange'));
    assert.equal(counts.opened, before + 1);
    await until(() => c.state === 'connected', 10000, 'connected again');
  } finally {
    c.close();
    p.close();
  }
});

test('after a close the server chose (1012, a restart), the online event keeps the jittered wait', T, async () => {
  const p = await proxy();
  const { c, win, counts } = patient(p.url);
  const closes = [];
  c.on('close', (e) => closes.push(e.code));
  try {
    await c.connect();
    p.refuse(true);
    p.closeAsServer(1012);
    await until(() => c.nextAttemptAt > 0, 10000, 'a reconnect scheduled');
    assert.deepEqual(closes, [1012]);
    const before = counts.opened;
    win.dispatchEvent(new Event('online'));
    assert.equal(counts.opened, before, 'no connection before the backoff is over');
    assert.ok(c.nextAttemptAt > Date.now() + 30000, 'still waiting out the jitter');
  } finally {
    c.close();
    p.close();
  }
});

test('connected on a connection that died silently, the online event finds out and reconnects', T, async () => {
  const p = await proxy();
  const { c, win } = patient(p.url, { probeTimeoutMs: 300, initialBackoffMs: 50, maxBackoffMs: 50 });
  const states = [];
  c.on('state', (e) => states.push(e.state));
  try {
    await c.connect();
    p.freeze(); // the old connection carries nothing now, and nothing tells the client
    win.dispatchEvent(new Event('online'));
    await until(() => states.includes('reconnecting'), 20000, 'the dead connection noticed');
    await until(() => c.state === 'connected', 10000, 'connected again');
  } finally {
    c.close();
    p.close();
  }
});
