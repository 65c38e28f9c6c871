// A join refused for now (docs/CLIENTS.md#subscriptions: `retry` true, e.g. `proxy_unavailable`,
// the application's backend did not answer) is reported and made again after 1 s, the wait doubling
// while it keeps failing, up to 32 s, never sooner than the server's retryAfterMs.
import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { scriptedClient } from './helpers.mjs';

const refusal = (retryAfterMs) => ({
  type: 'error', code: 'proxy_unavailable', message: 'no answer', retry: true, field: 'conv', conv: 'gated:a', retryAfterMs,
});

test('a join refused for now is reported and made again with a doubling wait', async () => {
  const { c, ws, welcome } = await scriptedClient({ user: 'u_1', role: 'user' });
  /** @type {string[]} */
  const reported = [];
  c.on('error', (e) => reported.push(e.code));
  const joins = () => ws.sent.filter((f) => f.type === 'join' && f.conv === 'gated:a').length;
  try {
    welcome();
    mock.timers.enable({ apis: ['setTimeout'] });
    c.join('gated:a', 0);
    ws.push(refusal(1000));
    assert.deepEqual(reported, ['proxy_unavailable'], 'reported');
    mock.timers.tick(999);
    assert.equal(joins(), 1, 'not before the wait');
    mock.timers.tick(1);
    assert.equal(joins(), 2, 'made again after 1 s');
    ws.push(refusal(1000));
    mock.timers.tick(1999);
    assert.equal(joins(), 2, 'the second wait is 2 s');
    mock.timers.tick(1);
    assert.equal(joins(), 3);
    ws.push(refusal(5000));
    mock.timers.tick(4999);
    assert.equal(joins(), 3, 'never sooner than retryAfterMs (5 s over the 4 s it would be)');
    mock.timers.tick(1);
    assert.equal(joins(), 4);
    ws.push({ type: 'joined', conv: 'gated:a', lastSeq: 0, from: 0, receipts: [], presence: [] });
    ws.push(refusal(1000)); // a later refusal starts from 1 s again
    mock.timers.tick(1000);
    assert.equal(joins(), 5);

    c.leave('gated:a');
    ws.push({ type: 'left', conv: 'gated:a' });
    ws.push(refusal(1000)); // about a conversation no longer held: only reported
    mock.timers.tick(60000);
    assert.equal(joins(), 5, 'a conversation left is not joined again');
  } finally {
    mock.timers.reset();
    c.close();
  }
});
