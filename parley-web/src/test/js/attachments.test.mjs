// The JS SDK's files (docs/CLIENTS.md#files) against a real Parley server (PARLEY_URL; started by
// parley-testkit's JsSdkTest): upload once across a retry, send with attachments, the message's
// `attachments`, fresh links, and a refusal for a file that is not the sender's; a fresh visitor whose
// first act is an upload (the upload creates the conversation its first message would have).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { T, server, until, client, recorder } from './helpers.mjs';

const BASE = server();

test('a visitor uploads a file once across a retry, sends it with no text and sees its attachments', T, async () => {
  const c = client(BASE, { site: 'demo' });
  const messages = recorder(c);
  let conv = '';
  c.on('conversation', (e) => { conv = e.conv; });
  try {
    await c.connect();
    await until(() => conv, 10000, 'the conversation event');
    await c.send(conv, 'my receipt follows');
    const bytes = new TextEncoder().encode('order 1234: 2 kettles');
    /** @type {number[]} */
    const progress = [];
    const first = await c.upload(conv, bytes, { name: 'receipt.txt', onProgress: (sent) => progress.push(sent) });
    const again = await c.upload(conv, bytes, { name: 'receipt.txt' }); // the same object: the same key
    assert.equal(again.file.id, first.file.id);
    assert.equal(first.file.type, 'text/plain');
    assert.equal(progress.at(-1), bytes.length);

    const ack = await c.send(conv, '', { attachments: [first.file.id] });
    await until(() => messages(conv).some((m) => m.seq === ack.seq), 10000, 'the own message');
    const m = messages(conv).find((x) => x.seq === ack.seq);
    assert.deepEqual(m.attachments, [
      { id: first.file.id, name: 'receipt.txt', type: 'text/plain', size: bytes.length, thumbnail: false },
    ]);
    const links = await c.fileLinks(first.file.id);
    const body = await (await fetch(new URL(links.url, BASE))).text();
    assert.equal(body, 'order 1234: 2 kettles');

    await assert.rejects(
      c.send(conv, 'x', { attachments: ['f_' + 'q'.repeat(22)] }),
      (e) => e.code === 'unknown_file');
  } finally {
    c.close();
  }
});

test('a fresh visitor\'s first act is an upload: it opens the conversation, and the file is sent', T, async () => {
  const c = client(BASE, { site: 'demo' });
  const messages = recorder(c);
  let conv = '';
  c.on('conversation', (e) => { conv = e.conv; });
  try {
    await c.connect();
    await until(() => conv, 10000, 'the conversation event (the next conversation, not stored yet)');
    const bytes = new TextEncoder().encode('first thing I do is send this');
    const up = await c.upload(conv, bytes, { name: 'first.txt' });
    assert.equal(up.file.conversation, conv);
    const ack = await c.send(conv, '', { attachments: [up.file.id] });
    await until(() => messages(conv).some((m) => m.seq === ack.seq), 10000, 'the own message');
    assert.equal(messages(conv).find((m) => m.seq === ack.seq).attachments[0].id, up.file.id);
  } finally {
    c.close();
  }
});
