// The composer's upload tray (sdk/uploads.js, docs/CLIENTS.md#files) without a browser: a file's
// remove button (named "Remove <name>", re-named when the language changes) cancels its upload
// through the AbortSignal (not shown as a failure) and keeps it out of the next send; a file removed
// after its upload or its refusal is gone too; the focus goes to the next file's remove button,
// else to the text box. And sdk/upload.js's cancellation over fetch against a local HTTP server that
// never answers: `aborted`, not `network`; the widget's upload of a file picked before it has a
// conversation (widget/attach.js uploadWhenOpen): it waits for one, then uploads there. A few fake elements stand in for the DOM; the real one is
// driven in Chromium by attachments.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { UploadTray } from '../../main/resources/parley-web/sdk/uploads.js';
import { uploadFile } from '../../main/resources/parley-web/sdk/upload.js';
import { uploadWhenOpen } from '../../main/resources/parley-web/widget/attach.js';
import { Emitter } from '../../main/resources/parley-web/sdk/emitter.js';

/** The focused fake element. @type {{el: FakeElement|null}} */
const focus = { el: null };

/** The little of an HTMLElement the tray uses. */
class FakeElement {
  /** @param {FakeDocument} doc @param {string} tag */
  constructor(doc, tag) {
    this.ownerDocument = doc;
    this.tagName = tag.toUpperCase();
    /** @type {FakeElement[]} */
    this.children = [];
    /** @type {FakeElement|null} */
    this.parent = null;
    /** @type {Record<string, string>} */
    this.attributes = {};
    /** @type {Record<string, Function[]>} */
    this.listeners = {};
    const classes = new Set();
    this.classList = { add: (c) => classes.add(c), contains: (c) => classes.has(c), remove: (c) => classes.delete(c) };
    this.className = '';
    this.textContent = '';
    this.hidden = false;
  }

  /** @param {...FakeElement} els */
  append(...els) {
    for (const e of els) {
      e.parent = this;
      this.children.push(e);
    }
  }

  remove() {
    if (this.parent) {
      this.parent.children = this.parent.children.filter((c) => c !== this);
      this.parent = null;
    }
  }

  setAttribute(k, v) {
    this.attributes[k] = String(v);
  }

  getAttribute(k) {
    return this.attributes[k] ?? null;
  }

  addEventListener(type, f) {
    (this.listeners[type] ??= []).push(f);
  }

  click() {
    for (const f of this.listeners.click ?? []) {
      f();
    }
  }

  focus() {
    focus.el = this;
  }

  /** The descendants (and itself) that `test` accepts. @param {(e: FakeElement) => boolean} t @returns {FakeElement[]} */
  all(t) {
    return [...(t(this) ? [this] : []), ...this.children.flatMap((c) => c.all(t))];
  }
}

class FakeDocument {
  /** @param {string} tag */
  createElement(tag) {
    return new FakeElement(this, tag);
  }
}

/**
 * A tray whose uploads the test settles by hand: `uploads[i]` has the file, its signal and
 * `ok(id)` / `refuse(code)`.
 */
function tray() {
  const doc = new FakeDocument();
  const list = doc.createElement('ul');
  const box = doc.createElement('textarea');
  /** @type {{file: File, signal: AbortSignal, ok: (id: string) => void, refuse: (code: string) => void}[]} */
  const uploads = [];
  let lang = 'en';
  const t = new UploadTray(/** @type {any} */ (list), {
    upload: (file, opts) => new Promise((resolve, reject) => {
      const u = {
        file,
        signal: /** @type {AbortSignal} */ (opts.signal),
        ok: (id) => resolve({ file: { id, name: file.name, type: 'text/plain', size: file.size, thumbnail: false }, url: '/x', expiresAt: 0 }),
        refuse: (code) => reject(Object.assign(new Error(code), { code })),
      };
      // as sdk/upload.js does: an abort rejects the upload with `aborted`
      opts.signal?.addEventListener('abort', () => reject(Object.assign(new Error('cancelled'), { code: 'aborted' })));
      uploads.push(u);
    }),
    reason: (code) => `refused: ${code}`,
    removeLabel: (name) => (lang === 'de' ? `${name} entfernen` : `Remove ${name}`),
    focusAfter: () => /** @type {any} */ (box),
  });
  const buttons = () => list.all((e) => e.className === 'upload-remove');
  const alerts = () => list.all((e) => e.getAttribute('role') === 'alert');
  return { t, list, box, uploads, buttons, alerts, setLang: (/** @type {string} */ l) => { lang = l; } };
}

const file = (/** @type {string} */ name) => new File([`bytes of ${name}`], name, { type: 'text/plain' });
const settle = () => new Promise((r) => setImmediate(r));

test('each file has a remove button named after it, a button element, relabelled with the language', () => {
  const { t, buttons, setLang } = tray();
  t.add([file('a.txt'), file('b.png')]);
  const [a, b] = buttons();
  assert.equal(a.tagName, 'BUTTON');
  assert.equal(a.type, 'button');
  assert.equal(a.getAttribute('aria-label'), 'Remove a.txt');
  assert.equal(b.getAttribute('aria-label'), 'Remove b.png');
  setLang('de');
  t.relabel();
  assert.equal(buttons()[1].getAttribute('aria-label'), 'b.png entfernen');
});

test('removing an upload in progress aborts it, shows no failure and leaves it out of the send', async () => {
  const { t, list, uploads, buttons, alerts } = tray();
  t.add([file('a.txt'), file('big.pdf'), file('c.txt')]);
  assert.equal(t.count, 3);
  buttons()[1].click();
  assert.equal(uploads[1].signal.aborted, true, 'the upload is cancelled');
  assert.equal(uploads[0].signal.aborted, false);
  assert.deepEqual(t.files.map((f) => f.name), ['a.txt', 'c.txt']);
  assert.equal(t.count, 2);
  const taken = t.take();
  uploads[0].ok('f_a');
  uploads[2].ok('f_c');
  assert.deepEqual(await taken, ['f_a', 'f_c']);
  assert.deepEqual(alerts(), [], 'a cancelled upload is not a failure');
  assert.equal(list.hidden, true);
});

test('a file removed after its upload or its refusal is gone: not sent, its refusal not shown', async () => {
  const { t, uploads, buttons, alerts } = tray();
  t.add([file('a.txt'), file('page.html'), file('c.txt')]);
  uploads[0].ok('f_a');
  uploads[1].refuse('unsupported_type');
  uploads[2].ok('f_c');
  await settle();
  assert.equal(alerts().length, 1);
  assert.deepEqual(t.files.map((f) => f.state), ['uploaded', 'failed', 'uploaded']);
  buttons()[1].click(); // the refused page
  assert.deepEqual(alerts(), []);
  buttons()[0].click(); // a.txt, already uploaded
  assert.equal(uploads[0].signal.aborted, true);
  assert.deepEqual(await t.take(), ['f_c']);
});

test('a file removed while take() waits is left out of what it gives', async () => {
  const { t, uploads, buttons } = tray();
  t.add([file('a.txt'), file('b.txt')]);
  const taken = t.take(); // Send pressed while both upload
  uploads[0].ok('f_a');
  await settle();
  buttons()[0].click(); // a.txt: uploaded, then removed before the send
  uploads[1].ok('f_b');
  assert.deepEqual(await taken, ['f_b']);
});

test('after a removal the focus goes to the next file\'s remove button, else to the text box', () => {
  const { t, box, buttons } = tray();
  t.add([file('a.txt'), file('b.txt'), file('c.txt')]);
  const [a, b, c] = buttons();
  a.click();
  assert.equal(focus.el, b);
  c.click(); // the last one: no next
  assert.equal(focus.el, box);
  buttons()[0].click();
  assert.equal(focus.el, box);
  assert.equal(t.count, 0);
});

test('clear() cancels every upload still going', () => {
  const { t, uploads, list } = tray();
  t.add([file('a.txt'), file('b.txt')]);
  t.clear();
  assert.deepEqual(uploads.map((u) => u.signal.aborted), [true, true]);
  assert.equal(list.hidden, true);
});

test('uploadFile rejects with `aborted`, not `network`, when its signal aborts (fetch), and sends nothing when already aborted', async () => {
  /** @type {import('node:http').ServerResponse[]} */
  const hanging = [];
  let requests = 0;
  /** @type {() => void} */
  let arrived = () => {};
  const first = new Promise((r) => { arrived = () => r(undefined); });
  const server = createServer((req, res) => {
    requests++;
    req.resume();
    hanging.push(res); // never answers
    arrived();
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
  const base = `http://127.0.0.1:${/** @type {any} */ (server.address()).port}`;
  try {
    const abort = new AbortController();
    const upload = uploadFile(base, 'token', 'c_x', new TextEncoder().encode('hello'), { signal: abort.signal });
    await first; // the request reached the server
    abort.abort();
    await assert.rejects(upload, (e) => e.code === 'aborted');

    const before = requests;
    await assert.rejects(
      uploadFile(base, 'token', 'c_x', new TextEncoder().encode('hello'), { signal: AbortSignal.abort() }),
      (e) => e.code === 'aborted');
    assert.equal(requests, before, 'an aborted signal sends no request');
  } finally {
    for (const res of hanging) {
      res.destroy();
    }
    server.closeAllConnections?.();
    await new Promise((r) => server.close(r));
  }
});

test('uploadFile waits out a 429 as its Retry-After says and tries again with the same key; an abort ends the wait', async () => {
  /** @type {string[]} */
  const keys = [];
  let retryAfter = '0';
  /** @type {() => void} */
  let limited = () => {};
  const server = createServer((req, res) => {
    keys.push(String(req.headers['idempotency-key']));
    req.resume();
    req.on('end', () => {
      if (keys.length === 1 || retryAfter !== '0') {
        res.writeHead(429, { 'Content-Type': 'application/json', 'Retry-After': retryAfter });
        res.end('{"error":"rate_limited","message":"too many new conversations from your address"}');
        limited();
        return;
      }
      res.writeHead(201, { 'Content-Type': 'application/json' });
      res.end('{"file":{"id":"f_1"}}');
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
  const base = `http://127.0.0.1:${/** @type {any} */ (server.address()).port}`;
  try {
    const stored = await uploadFile(base, 'token', 'c_x', new TextEncoder().encode('hello'), { key: 'k1' });
    assert.equal(stored.file.id, 'f_1');
    assert.deepEqual(keys, ['k1', 'k1'], 'tried again, with the same key');

    retryAfter = '30';
    const refused = new Promise((r) => { limited = () => r(undefined); });
    const abort = new AbortController();
    const waiting = uploadFile(base, 'token', 'c_x', new TextEncoder().encode('hello'), { key: 'k2', signal: abort.signal });
    await refused; // answered 429: the upload now waits 30 s
    abort.abort();
    await assert.rejects(waiting, (e) => e.code === 'aborted');
    assert.equal(keys.filter((k) => k === 'k2').length, 1, 'no try after the abort');
  } finally {
    server.closeAllConnections?.();
    await new Promise((r) => server.close(r));
  }
});

/** A client that records uploads and emits `conversation` events as the server's would. */
function fakeClient() {
  const events = new Emitter();
  /** @type {string[]} */
  const uploadedTo = [];
  return {
    uploadedTo,
    on: events.on.bind(events),
    emit: events.emit.bind(events),
    /** @param {string} conv @param {any} file */
    upload: (conv, file) => {
      uploadedTo.push(conv);
      return Promise.resolve({ file: { id: `f_${file.name}`, name: file.name, type: 'text/plain', size: 1, thumbnail: false }, url: '/x', expiresAt: 0 });
    },
  };
}

test('a file picked before the widget has a conversation waits for it, then uploads there', async () => {
  const client = fakeClient();
  /** @type {string|null} */
  let conv = null;
  client.on('conversation', (c) => { conv = c.conv; }); // the widget's own listener, first
  const up = uploadWhenOpen(/** @type {any} */ (client), () => conv, file('shot.png'), {});
  await settle();
  assert.deepEqual(client.uploadedTo, [], 'nothing to upload to yet');
  client.emit('conversation', { conv: 'chat_next' }); // the visitor's next conversation, not stored yet
  assert.equal((await up).file.id, 'f_shot.png');
  assert.deepEqual(client.uploadedTo, ['chat_next']);
  await uploadWhenOpen(/** @type {any} */ (client), () => conv, file('b.txt'), {});
  assert.deepEqual(client.uploadedTo, ['chat_next', 'chat_next'], 'with a conversation: at once');
});

test('a file removed while it waits for the conversation is never uploaded', async () => {
  const client = fakeClient();
  /** @type {string|null} */
  let conv = null;
  client.on('conversation', (c) => { conv = c.conv; });
  const abort = new AbortController();
  const up = uploadWhenOpen(/** @type {any} */ (client), () => conv, file('shot.png'), { signal: abort.signal });
  abort.abort();
  await assert.rejects(up, (e) => e.code === 'aborted');
  client.emit('conversation', { conv: 'chat_next' });
  await settle();
  assert.deepEqual(client.uploadedTo, []);
});
