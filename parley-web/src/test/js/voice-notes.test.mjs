// Voice notes in the attachment renderer (sdk/attachments.js), shared by the widget and the
// console: an audio attachment is an <audio controls> player with its transcript under it as text.
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
    this.classList = { add: (/** @type {string} */ c) => this.classes.add(c) };
  }
  set innerHTML(_) { throw new Error('the renderer must not write HTML'); }
  setAttribute(k, v) { this.attributes[k] = String(v); }
  addEventListener() {}
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
