// The Node server API helper against a real server (started by parley-testkit's ServerApiJsTest,
// which makes the namespace `news` and an API key for every namespace). Skipped without them, as
// when JsSdkTest runs this folder against its own server.
import test from 'node:test';
import assert from 'node:assert/strict';
import { ParleyServerApi, ServerApiError } from '../../main/resources/parley-web/server-api.mjs';

const KEY = process.env.PARLEY_API_KEY;
const skip = !KEY || !process.env.PARLEY_URL ? 'needs PARLEY_URL and PARLEY_API_KEY' : false;

/** @returns {ParleyServerApi} */
function api() {
  return new ParleyServerApi(String(process.env.PARLEY_URL), String(KEY));
}

/** The error `promise` rejects with. @returns {Promise<ServerApiError>} */
async function refusal(promise) {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof ServerApiError, String(e));
    return e;
  }
  throw new Error('not refused');
}

test('a publication answers its seq, and a retry with the same key the same one', { skip }, async () => {
  const first = await api().publish('news:js', 'hello', { idempotencyKey: 'js-1' });
  assert.equal(first.channel, 'news:js');
  assert.equal(first.seq, 1);
  assert.deepEqual(await api().publish('news:js', 'hello', { idempotencyKey: 'js-1' }), first);
  const reused = await refusal(api().publish('news:js', 'other', { idempotencyKey: 'js-1' }));
  assert.equal(reused.code, 'idempotency_key_reused');
  assert.equal(reused.status, 409);
  const h = await api().history('news:js');
  assert.deepEqual(
    h.messages.map((m) => [m.seq, m.from, m.text]),
    [[1, 'server', 'hello']],
  );
});

test('a broadcast answers each channel; refusals carry their codes', { skip }, async () => {
  const results = await api().broadcast(['news:j1', 'news:j2', 'nope:x'], 'all', { idempotencyKey: 'b' });
  assert.deepEqual(
    results.map((r) => [r.channel, r.seq ?? r.error]),
    [['news:j1', 1], ['news:j2', 1], ['nope:x', 'unknown_namespace']],
  );
  assert.equal((await refusal(api().publish('plain', 'x'))).code, 'invalid_channel');
  assert.equal((await refusal(api().publish('news:x', 'x'.repeat(4001)))).code, 'message_too_large');
  const bad = new ParleyServerApi(String(process.env.PARLEY_URL), 'pk_0123456789abcdef_nope');
  assert.equal((await refusal(bad.publish('news:x', 'x'))).status, 401);
  assert.deepEqual(await api().presence('news:nobody'), { channel: 'news:nobody', count: 0, users: [] });
  await api().disconnect('nobody-here');
});
