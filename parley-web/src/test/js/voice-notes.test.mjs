// Voice notes in the attachment renderer (sdk/attachments.js), shared by the widget and the
// console: an audio attachment is an <audio controls> player with its transcript under it as text;
// and links renewed on use once they near their expiry (cards and players drawn long ago).
// No server and no browser: a small stand-in document records what the renderer builds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AttachmentRenderer } from '../../main/resources/parley-web/sdk/attachments.js';

/** An element of the stand-in document: what the renderer uses of the DOM, and no innerHTML. */
class El {
  /** @param {string} tag */
  constructor(tag) {
    this.tagName = tag.toUpperCase();
    /** @type {El[]} */
    this.children = [];
    /** @type {El|null} */
    this.parent = null;
    this.className = '';
    this.textContent = '';
    /** @type {Record<string, string>} */
    this.dataset = {};
    /** @type {Record<string, string>} */
    this.attributes = {};
    this.classes = new Set();
    this.classList = {
      add: (/** @type {string} */ c) => this.classes.add(c),
      remove: (/** @type {string} */ c) => this.classes.delete(c),
    };
    /** @type {Record<string, ((e: any) => void)[]>} */
    this.listeners = {};
  }
  /** Dispatches `type`; @returns {boolean} whether the default action happens. */
  fire(type) {
    let prevented = false;
    const e = { type, preventDefault: () => { prevented = true; } };
    for (const l of this.listeners[type] ?? []) l(e);
    return !prevented;
  }
  set innerHTML(_) { throw new Error('the renderer must not write HTML'); }
  setAttribute(k, v) { this.attributes[k] = String(v); }
  addEventListener(type, l) { (this.listeners[type] ??= []).push(l); }
  append(...els) { for (const e of els) { e.parent = this; this.children.push(e); } }
  replaceChildren(...els) { this.children = []; this.append(...els); }
  after(e) { const i = this.parent.children.indexOf(this); e.parent = this.parent; this.parent.children.splice(i + 1, 0, e); }
  remove() { if (this.parent) this.parent.children.splice(this.parent.children.indexOf(this), 1); }
  querySelector(sel) {
    const cls = sel.replace(':scope > .', '');
    return this.children.find((c) => c.className === cls) ?? null;
  }
}

const doc = { createElement: (/** @type {string} */ t) => new El(t) };
// expires at once: the renderer's cache timer ends with the test
const links = async (/** @type {string} */ id) => ({ url: `/api/files/${id}/content?exp=1&sig=s`, thumbnailUrl: null, expiresAt: Date.now() + 30_000, file: /** @type {any} */ ({}) });
const flush = () => new Promise((r) => setTimeout(r, 0));

function drawn(files) {
  const r = new AttachmentRenderer(/** @type {any} */ (doc), /** @type {any} */ (new El('body')), {
    links, base: 'https://chat.example', labels: () => ({ closeViewer: 'Close' }),
  });
  const bubble = new El('div');
  const text = new El('p');
  bubble.append(text);
  r.draw(/** @type {any} */ (bubble), /** @type {any} */ (text), files);
  return bubble.querySelector(':scope > .files');
}

const ID = 'f_' + 'a'.repeat(22);

test('a voice note is a player with its transcript under it, as text', async () => {
  const transcript = 'Is the <b>kettle</b> & the lid <script>alert(1)</script> in stock?';
  const box = drawn([{ id: ID, name: 'voice.ogg', type: 'audio/ogg', size: 9000, thumbnail: false, duration: 3.5, transcript }]);
  const note = box.children[0];
  assert.equal(note.className, 'voice-note');
  assert.equal(note.dataset.file, ID);
  const [audio, p] = note.children;
  assert.equal(audio.tagName, 'AUDIO');
  assert.equal(audio.controls, true);
  assert.equal(audio.preload, 'none', 'nothing is fetched before play');
  assert.equal(audio.attributes['aria-label'], 'voice.ogg');
  assert.equal(p.tagName, 'P');
  assert.equal(p.className, 'transcript');
  assert.equal(p.textContent, transcript, 'the words as they are, never parsed');
  assert.equal(p.children.length, 0);
  await flush();
  assert.equal(audio.src, `https://chat.example/api/files/${ID}/content?exp=1&sig=s`);
});

test('a voice note without a transcript is the player alone; other files keep their cards', async () => {
  const box = drawn([
    { id: ID, name: 'voice.webm', type: 'audio/webm', size: 9000, thumbnail: false, transcriptError: 'timeout' },
    { id: 'f_' + 'b'.repeat(22), name: 'invoice.pdf', type: 'application/pdf', size: 99, thumbnail: false },
  ]);
  assert.deepEqual(box.children.map((c) => c.className), ['voice-note', 'file-card']);
  assert.deepEqual(box.children[0].children.map((c) => c.tagName), ['AUDIO']);
});

/** A renderer on a clock the test moves, with a link server that counts its calls. */
function renewing(skewMs = 0) {
  const clock = { now: 1_000_000 };
  let served = 0;
  // the server's expiresAt is on its own clock: `skewMs` behind the page's
  const links = async (/** @type {string} */ id) => {
    served += 1;
    return { url: `/api/files/${id}/content?n=${served}`, thumbnailUrl: null, expiresAt: clock.now - skewMs + 15 * 60_000, file: /** @type {any} */ ({}) };
  };
  const r = new AttachmentRenderer(/** @type {any} */ (doc), /** @type {any} */ (new El('body')), {
    links, base: 'https://chat.example', labels: () => ({ closeViewer: 'Close' }), now: () => clock.now,
  });
  const draw = (/** @type {any[]} */ files) => {
    const bubble = new El('div');
    const text = new El('p');
    bubble.append(text);
    r.draw(/** @type {any} */ (bubble), /** @type {any} */ (text), files);
    return bubble.querySelector(':scope > .files');
  };
  return { clock, draw, served: () => served };
}

const PDF = { id: ID, name: 'invoice.pdf', type: 'application/pdf', size: 99, thumbnail: false };

test('a file card drawn an hour ago gets a fresh link when it is clicked, and the click goes through', async () => {
  const { clock, draw, served } = renewing();
  const card = draw([PDF]).children[0];
  await flush();
  assert.equal(card.href, `https://chat.example/api/files/${ID}/content?n=1`);
  assert.equal(card.fire('click'), true, 'a fresh link is followed at once');
  assert.equal(served(), 1);

  clock.now += 60 * 60_000;
  let again = 0;
  card.click = () => { again += 1; card.fire('click'); };
  assert.equal(card.fire('click'), false, 'the expired link is not followed');
  await flush();
  assert.equal(card.href, `https://chat.example/api/files/${ID}/content?n=2`);
  assert.equal(again, 1, 'the click happens again on the fresh link');
  assert.equal(served(), 2);
});

test('pointing at a card near its expiry renews its link before the click; a fresh one is left alone', async () => {
  const { clock, draw, served } = renewing();
  const card = draw([PDF]).children[0];
  await flush();
  card.fire('pointerenter');
  card.fire('focus');
  await flush();
  assert.equal(served(), 1, 'nothing is asked while the link is fresh');
  clock.now += 14 * 60_000 + 45_000; // 15 s before the end: inside the margin
  card.fire('pointerenter');
  await flush();
  assert.equal(served(), 2);
  assert.equal(card.href, `https://chat.example/api/files/${ID}/content?n=2`);
  assert.equal(card.fire('click'), true);
});

test('a voice note played after its link expired is paused, given a fresh source and played', async () => {
  const { clock, draw } = renewing();
  const audio = draw([{ id: ID, name: 'voice.webm', type: 'audio/webm', size: 9000, thumbnail: false }]).children[0].children[0];
  await flush();
  clock.now += 20 * 60_000;
  const calls = [];
  audio.pause = () => calls.push('pause');
  audio.play = () => { calls.push('play ' + audio.src); return Promise.resolve(); };
  audio.fire('play');
  await flush();
  assert.deepEqual(calls, ['pause', `play https://chat.example/api/files/${ID}/content?n=2`]);
});

test('a page whose clock runs an hour ahead asks once per use, and the click goes through', async () => {
  const { draw, served } = renewing(60 * 60_000);
  const card = draw([PDF]).children[0];
  await flush();
  assert.equal(served(), 2, 'the first draw asked again once, not in a loop');
  let again = 0;
  card.click = () => { again += 1; card.fire('click'); };
  assert.equal(card.fire('click'), false);
  await flush();
  assert.equal(again, 1, 'the repeated click is not held again');
  assert.ok(served() <= 4, `${served()} asks for one click`);
});
