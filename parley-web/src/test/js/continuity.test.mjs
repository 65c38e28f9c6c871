// The JS SDK's side of ephemeral channels (docs/CLIENTS.md#channels-namespaces): the position is
// (epoch, seq), a continuity_lost moves it, and a reconnect resumes it with join {after, epoch}.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Positions } from '../../main/resources/parley-web/sdk/positions.js';

const msg = (seq) => ({ type: 'message', conv: 'ticks:eur', seq, id: 'e_' + seq, from: 'u', kind: 'text', text: '', ts: 0 });

test('a joined of an ephemeral channel gives the position its epoch', () => {
  const p = new Positions();
  p.track('ticks:eur', -1);
  p.joined({ conv: 'ticks:eur', lastSeq: 4, from: 4, epoch: 'E1' });
  assert.equal(p.epoch('ticks:eur'), 'E1');
  assert.deepEqual(p.accept(msg(5)).deliver.map((m) => m.seq), [5]);
});

test('continuity_lost moves the position to its epoch and from, so the new epoch\'s seqs are not dropped', () => {
  const p = new Positions();
  p.track('ticks:eur', -1);
  p.joined({ conv: 'ticks:eur', lastSeq: 40, from: 40, epoch: 'E1' });
  p.accept(msg(42)); // parked past a gap: void after the loss
  p.continuityLost({ conv: 'ticks:eur', epoch: 'E2', from: 0, lastSeq: 1 });
  assert.equal(p.seq('ticks:eur'), 0);
  assert.equal(p.epoch('ticks:eur'), 'E2');
  const a = p.accept(msg(1));
  assert.equal(a.duplicate, false);
  assert.deepEqual(a.deliver.map((m) => m.seq), [1]);
});

test('a stale continuity_lost of the epoch held never moves the position back', () => {
  const p = new Positions();
  p.track('ticks:eur', -1);
  p.joined({ conv: 'ticks:eur', lastSeq: 5, from: 5, epoch: 'E1' });
  assert.equal(p.continuityLost({ conv: 'ticks:eur', epoch: 'E1', from: 2, lastSeq: 7 }), false);
  assert.equal(p.seq('ticks:eur'), 5);
  assert.equal(p.accept(msg(3)).duplicate, true);
  assert.equal(p.continuityLost({ conv: 'ticks:eur', epoch: 'E1', from: 9, lastSeq: 12 }), true, '6-9 are gone');
  assert.equal(p.seq('ticks:eur'), 9);
});

test('a known seq joined without an epoch learns it from joined', () => {
  const p = new Positions();
  p.track('ticks:eur', 0);
  p.joined({ conv: 'ticks:eur', lastSeq: 4, from: 0, epoch: 'E1' });
  assert.equal(p.epoch('ticks:eur'), 'E1');
  assert.equal(p.seq('ticks:eur'), 0);
});

test('a position kept across a reload resumes with its epoch; a live join carries none', () => {
  const p = new Positions();
  p.track('ticks:eur', 42, 'E1');
  assert.deepEqual(p.joinCommand('ticks:eur'), { type: 'join', conv: 'ticks:eur', after: 42, epoch: 'E1' });
  p.track('ticks:usd', -1, 'E9');
  assert.equal(p.epoch('ticks:usd'), undefined, 'no epoch without a seq');
  assert.deepEqual(p.joinCommand('ticks:usd'), { type: 'join', conv: 'ticks:usd' });
  assert.deepEqual(p.joinCommand('unknown'), { type: 'join', conv: 'unknown' });
});

test('a seq joined without an epoch below which the window answers takes the loss that follows', () => {
  const p = new Positions();
  p.track('ticks:eur', 50); // e.g. resumed through hello.resume after the node restarted
  p.joined({ conv: 'ticks:eur', lastSeq: 20, from: 0, epoch: 'E2' });
  assert.equal(p.continuityLost({ conv: 'ticks:eur', epoch: 'E2', from: 0, lastSeq: 20 }), true);
  assert.deepEqual(p.accept(msg(1)).deliver.map((m) => m.seq), [1]);
});
