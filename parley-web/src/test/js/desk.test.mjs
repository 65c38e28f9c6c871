// The console's desk (console/desk.js) on its own: which conversations it follows within the
// connection's limit, unread counts from the agent's stored read position, the visitor typing, the
// open conversation kept until left, a join refused over the server's limit, drafts. A real
// ParleyClient that never connects: its events are emitted as its routing would. No server, no DOM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ParleyClient } from '../../main/resources/parley-web/sdk/parley.js';
import { Desk, MAX_FOLLOWED } from '../../main/resources/parley-web/console/desk.js';

const ME = 'maya';

/** sessionStorage's interface over a Map (Node has none). */
class MemoryStorage {
  constructor() {
    this.map = new Map();
  }

  getItem(k) {
    return this.map.get(k) ?? null;
  }

  setItem(k, v) {
    this.map.set(k, String(v));
  }

  removeItem(k) {
    this.map.delete(k);
  }
}

function desk() {
  const client = new ParleyClient({ url: 'http://127.0.0.1:1' });
  client.user = ME;
  const conversations = new Map();
  const changed = [];
  const storage = new MemoryStorage();
  const d = new Desk({ conversations, storage, changed: (conv) => changed.push(conv) });
  d.attach(client);
  return { d, client, conversations, changed, storage };
}

function msg(conv, seq, from, text = `m${seq}`, kind = 'text') {
  return { conv, seq, id: `${conv}-${seq}`, from, kind, text, ts: 1000 + seq };
}

test('the desk follows the wanted conversations in order, at most MAX_FOLLOWED, each joined from seq 0', () => {
  const { d, client } = desk();
  const wanted = Array.from({ length: MAX_FOLLOWED + 5 }, (_, i) => `chat_${i}`);
  d.sync(wanted, null);
  assert.equal(MAX_FOLLOWED, 48);
  assert.equal(d.threads.size, MAX_FOLLOWED);
  assert.equal(client.position('chat_0'), 0);
  assert.equal(client.position(`chat_${MAX_FOLLOWED - 1}`), 0);
  assert.equal(client.position(`chat_${MAX_FOLLOWED}`), -1, 'past the limit: not joined');
  assert.equal(d.unread(`chat_${MAX_FOLLOWED}`), null, 'not followed: no count');

  d.sync(wanted.slice(1), null);
  assert.equal(client.position('chat_0'), -1, 'no longer wanted: left');
  assert.equal(client.position(`chat_${MAX_FOLLOWED}`), 0, 'the next one in line is followed');
});

test('unread counts the visitor\'s messages after the agent\'s stored read position, and typing shows', () => {
  const { d, client, conversations, changed } = desk();
  conversations.set('chat_a', { conv: 'chat_a', status: 'queued', visitor: 'v_a' });
  d.sync(['chat_a'], null);
  client.emit('joined', { conv: 'chat_a', lastSeq: 4, from: 0, receipts: [{ conv: 'chat_a', user: ME, kind: 'read', seq: 2 }] });
  client.emit('message', msg('chat_a', 1, 'v_a'));
  client.emit('message', msg('chat_a', 2, 'v_a'));
  client.emit('message', msg('chat_a', 3, 'bot', 'a bot answer', 'bot'));
  client.emit('message', msg('chat_a', 4, 'v_a', 'the newest'));
  assert.equal(d.unread('chat_a'), 1, 'seq 3 is the bot\'s, seq 1-2 were read before');
  assert.equal(d.last('chat_a')?.text, 'the newest');
  assert.ok(changed.includes('chat_a'));

  client.emit('receipt', { conv: 'chat_a', user: ME, kind: 'read', seq: 4 });
  assert.equal(d.unread('chat_a'), 0, 'read on another tab');

  client.emit('typing', { conv: 'chat_a', user: 'v_a', on: true, ttlMs: 6000 });
  assert.equal(d.visitorTyping('chat_a'), true);
  client.emit('typing', { conv: 'chat_a', user: 'v_a', on: false });
  assert.equal(d.visitorTyping('chat_a'), false);
});

test('the open conversation stays joined when the list lets it go, until the agent leaves it', () => {
  const { d, client } = desk();
  d.sync(['chat_a', 'chat_b'], null);
  d.sync(['chat_b'], 'chat_a');
  assert.equal(client.position('chat_a'), 0, 'open: kept');
  d.release('chat_a');
  assert.equal(client.position('chat_a'), -1, 'left once the agent switched away');
  d.release('chat_b');
  assert.equal(client.position('chat_b'), 0, 'followed by the list: kept');
});

test('a join the server refuses over its limit is dropped and not asked for again', () => {
  const { d, client } = desk();
  d.sync(['chat_a', 'chat_b'], null);
  client.emit('error', { code: 'invalid_field', field: 'conv', conv: 'chat_b', message: 'a connection may join at most 64 conversations' });
  assert.equal(d.threads.has('chat_b'), false);
  assert.equal(client.position('chat_b'), -1);
  d.sync(['chat_a', 'chat_b'], null);
  assert.equal(d.threads.has('chat_b'), false, 'refused: not joined again');
  assert.ok(d.refused.has('chat_b'));
});

test('drafts are kept per conversation and survive in storage', () => {
  const { d, storage, conversations } = desk();
  d.setDraft('chat_a', 'half a reply');
  d.setDraft('chat_b', 'another');
  const again = new Desk({ conversations, storage, changed: () => {} });
  assert.equal(again.draft('chat_a'), 'half a reply', 'from storage, as after a reload');
  d.setDraft('chat_a', '');
  assert.equal(d.draft('chat_a'), '');
  assert.equal(storage.getItem('parley:console:draft:chat_a'), null);
  assert.equal(d.draft('chat_b'), 'another');
});
