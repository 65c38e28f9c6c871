// Spoken answers in the widget (widget/speaker.js): the read-aloud button on the bot's stored
// answers only, its words and state, browser mode through a speech synthesis, server mode through
// the fetched audio in one player, stop, and the answer read at once when the visitor asked by
// voice from this page (never for a replay). No server and no browser: small stand-ins record
// what the speaker does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AnswerSpeaker, spokenText } from '../../main/resources/parley-web/widget/speaker.js';

/** An element of the stand-in document: what the speaker uses of the DOM. */
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
    this.title = '';
    /** @type {Record<string, string>} */
    this.attributes = {};
    /** @type {(() => void)|null} */
    this.onclick = null;
  }
  setAttribute(k, v) { this.attributes[k] = String(v); }
  removeAttribute(k) { delete this.attributes[k]; }
  append(...els) { for (const e of els) { e.parent = this; this.children.push(e); } }
  remove() { if (this.parent) { this.parent.children.splice(this.parent.children.indexOf(this), 1); this.parent = null; } }
  querySelector(sel) { return this.children.find((c) => `.${c.className}` === sel) ?? null; }
}

/** A player that records what it is told. */
class Player {
  constructor() { this.src = null; this.plays = 0; this.paused = 0; this.onended = null; this.onerror = null; }
  play() { this.plays++; return Promise.resolve(); }
  pause() { this.paused++; }
  removeAttribute(k) { if (k === 'src') this.src = null; }
}

const doc = /** @type {any} */ ({ createElement: (/** @type {string} */ t) => new El(t) });
const WORDS = { readAloud: 'Read aloud', stopReading: 'Stop reading' };
const flush = () => new Promise((r) => setTimeout(r, 0));

/** @param {{mode: 'browser'|'server'|null, synthesis?: boolean}} o */
function speaker(o) {
  const said = [];
  const fetched = [];
  const player = new Player();
  const revoked = [];
  let cancelled = 0;
  const synthesis = o.synthesis === false ? null : { speak: (u) => said.push(u), cancel: () => { cancelled++; } };
  const s = new AnswerSpeaker(doc, {
    mode: () => o.mode,
    lang: () => 'de',
    words: () => WORDS,
    fetchSpeech: async (seq) => { fetched.push(seq); return /** @type {any} */ ({ blob: seq }); },
    synthesis,
    utterance: (text) => /** @type {any} */ ({ text, lang: '', onend: null, onerror: null }),
    audio: () => /** @type {any} */ (player),
    urls: { createObjectURL: (b) => `blob:${b.blob}`, revokeObjectURL: (u) => revoked.push(u) },
  });
  return { s, said, fetched, player, revoked, cancelled: () => cancelled };
}

/** A transcript item, as sdk/transcript.js makes them. */
function item(o) {
  return {
    key: 'm:a1', seq: 4, id: 'a1', cid: null, from: 'bot', kind: 'bot', text: 'It ships **today** [1].', ts: 1, status: null,
    sources: [], attachments: [], mine: false, streaming: false, tick: null, error: null, ...o,
  };
}

function bubble(s, it) {
  const el = new El('div');
  s.decorate(/** @type {any} */ (el), /** @type {any} */ (it));
  return el;
}

test('the button is on the bot\'s stored answers only, while answers can be read', () => {
  const { s } = speaker({ mode: 'server' });
  const b = bubble(s, item({})).querySelector('.speak');
  assert.ok(b);
  assert.equal(b.attributes['aria-label'], 'Read aloud');
  assert.equal(b.attributes['aria-pressed'], 'false');
  assert.equal(b.attributes.type ?? b.type, 'button');
  assert.equal(bubble(s, item({ kind: 'text', from: 'v1', mine: true, key: 'c:1' })).querySelector('.speak'), null);
  assert.equal(bubble(s, item({ seq: null, streaming: true })).querySelector('.speak'), null, 'not while it streams');
  assert.equal(bubble(speaker({ mode: null }).s, item({})).querySelector('.speak'), null, 'off');
  assert.equal(bubble(speaker({ mode: 'browser', synthesis: false }).s, item({})).querySelector('.speak'), null,
    'browser mode in a browser without speech synthesis');
  const el = bubble(s, item({}));
  let mode = 'server';
  const switching = new AnswerSpeaker(doc, { ...s.o, mode: () => /** @type {any} */ (mode) });
  switching.decorate(/** @type {any} */ (el), /** @type {any} */ (item({})));
  mode = null;
  switching.decorate(/** @type {any} */ (el), /** @type {any} */ (item({})));
  assert.equal(el.querySelector('.speak'), null, 'the site turned it off: the button goes');
});

test('browser mode reads the words in the conversation\'s language; the same button stops it', () => {
  const t = speaker({ mode: 'browser' });
  const it = item({});
  const b = bubble(t.s, it).querySelector('.speak');
  b.onclick();
  assert.equal(t.said.length, 1);
  assert.equal(t.said[0].text, 'It ships today.');
  assert.equal(t.said[0].lang, 'de');
  assert.equal(b.attributes['aria-label'], 'Stop reading');
  assert.equal(b.attributes['aria-pressed'], 'true');
  b.onclick();
  assert.ok(t.cancelled() >= 1);
  assert.equal(t.s.playing, null);
  assert.equal(b.attributes['aria-label'], 'Read aloud');
  b.onclick();
  t.said[1].onend();
  assert.equal(b.attributes['aria-label'], 'Read aloud', 'back when the reading ends');
});

test('server mode plays the fetched audio in one player and stop releases it', async () => {
  const t = speaker({ mode: 'server' });
  const it = item({ seq: 9 });
  const b = bubble(t.s, it).querySelector('.speak');
  b.onclick();
  await flush();
  assert.deepEqual(t.fetched, [9]);
  assert.equal(t.player.src, 'blob:9');
  assert.equal(t.player.plays, 1);
  b.onclick();
  assert.equal(t.player.paused, 1);
  assert.equal(t.player.src, null);
  assert.deepEqual(t.revoked, ['blob:9']);
  assert.equal(b.attributes['aria-pressed'], 'false');

  b.onclick();
  b.onclick(); // stopped before the audio came: it is not played
  await flush();
  assert.equal(t.player.plays, 1);
});

/** A transcript stand-in whose states the test emits. */
function transcript() {
  let listener = null;
  return {
    on: (_type, fn) => { listener = fn; return () => { listener = null; }; },
    emit: (items) => listener({ old: null, state: { items } }),
  };
}

const VOICE = [{ id: 'f_1', name: 'voice.ogg', type: 'audio/ogg', size: 9000, thumbnail: false }];

test('an answer to a voice note sent from this page is read at once', () => {
  const t = speaker({ mode: 'browser' });
  const tr = transcript();
  t.s.follow(tr);
  const pending = item({ key: 'c:x', seq: null, kind: 'text', from: 'v1', mine: true, text: '', tick: 'pending' });
  tr.emit([pending]);
  tr.emit([{ ...pending, seq: 5, tick: 'sent' }]); // the ack: no attachments yet
  tr.emit([{ ...pending, seq: 5, tick: 'sent', attachments: VOICE }]);
  tr.emit([{ ...pending, seq: 5, tick: 'sent', attachments: VOICE }, item({ seq: null, streaming: true })]);
  assert.equal(t.said.length, 0, 'not while it streams');
  tr.emit([{ ...pending, seq: 5, tick: 'sent', attachments: VOICE }, item({ seq: 6 })]);
  assert.equal(t.said.length, 1);
  assert.equal(t.said[0].text, 'It ships today.');
  tr.emit([{ ...pending, seq: 5, tick: 'sent', attachments: VOICE }, item({ seq: 6 }), item({ key: 'm:a2', seq: 7 })]);
  assert.equal(t.said.length, 1, 'only the first answer');
});

test('a typed question, a replay and a site without spoken answers read nothing', () => {
  const t = speaker({ mode: 'browser' });
  const tr = transcript();
  t.s.follow(tr);
  const typed = item({ key: 'c:y', seq: null, kind: 'text', from: 'v1', mine: true, text: 'hi', tick: 'pending' });
  tr.emit([typed]);
  tr.emit([{ ...typed, seq: 5, tick: 'sent' }, item({ seq: 6 })]);
  const replayed = item({ key: 'm:v', seq: 7, kind: 'text', from: 'v1', mine: true, text: '', tick: 'sent', attachments: VOICE });
  tr.emit([replayed, item({ key: 'm:a3', seq: 8 })]);
  assert.equal(t.said.length, 0);

  const off = speaker({ mode: null });
  const tr2 = transcript();
  off.s.follow(tr2);
  const voice = item({ key: 'c:z', seq: null, kind: 'text', from: 'v1', mine: true, text: '', tick: 'pending' });
  tr2.emit([voice]);
  tr2.emit([{ ...voice, seq: 5, tick: 'sent', attachments: VOICE }, item({ seq: 6 })]);
  assert.equal(off.said.length, 0);
});

test('the words read leave out what is for the eye, as the server\'s do', () => {
  assert.equal(spokenText('# Shipping\n- **Fast**: _two_ days [^1]\n> see [our page](https://x.example)'),
    'Shipping Fast: two days see our page');
  assert.equal(spokenText('Run `parley start`.\n```\ncode\n```\nDone【3†source】.'), 'Run parley start. Done.');
  assert.equal(spokenText('Set user_id and _this_. https://x.example/a'), 'Set user_id and this.');
});
