// The text limit (docs/PROTOCOL.md#limits): the server counts message text in Unicode code points,
// and so does the SDK before sending — a text over the limit is refused locally, with no frame.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_TEXT_CODE_POINTS, textLength, newCid } from '../../main/resources/parley-web/sdk/parley.js';
import { T, server, client, countingWebSocket } from './helpers.mjs';

const EMOJI = '😀'; // one code point, two UTF-16 units

test('text length counts code points: an emoji is one, a lone surrogate is one', () => {
  assert.equal(MAX_TEXT_CODE_POINTS, 4000);
  assert.equal(textLength(''), 0);
  assert.equal(textLength('abc'), 3);
  assert.equal(textLength(EMOJI.repeat(3)), 3);
  assert.equal(EMOJI.repeat(3).length, 6);
  assert.equal(textLength('a\ud83d'), 2);
  assert.equal(textLength('e\u0301'), 2, 'a combining mark is a code point of its own');
});

test('2000 emoji go out and are stored; one code point over the limit is refused before sending', T, async () => {
  const { WebSocket, counts } = countingWebSocket();
  const c = client(server(), { transports: ['websocket'], WebSocket });
  try {
    await c.connect();
    const room = 'room-text-' + newCid();
    c.join(room, 0);
    const ack = await c.send(room, EMOJI.repeat(2000));
    assert.equal(ack.seq, 1);
    assert.equal((await c.send(room, 'x'.repeat(MAX_TEXT_CODE_POINTS))).seq, 2, 'exactly the limit');
    const sendsBefore = counts.frames.filter((f) => f.includes('"type":"send"')).length;
    await assert.rejects(c.send(room, EMOJI.repeat(MAX_TEXT_CODE_POINTS + 1)),
      (e) => e.code === 'too_long' && e.field === 'text' && e.local === true);
    await assert.rejects(c.send(room, 'x'.repeat(MAX_TEXT_CODE_POINTS) + EMOJI), (e) => e.code === 'too_long');
    assert.equal(counts.frames.filter((f) => f.includes('"type":"send"')).length, sendsBefore, 'no frame sent');
    assert.equal(c.pending().length, 0, 'nothing waits in the outbox');
  } finally {
    c.close();
  }
});
