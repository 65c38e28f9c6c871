// The voice note recorder's state machine (sdk/recorder.js, docs/CLIENTS.md#voice-notes) without a
// browser: stand-ins for getUserMedia, MediaRecorder and the page's timers, and a manual clock.
// idle → starting → recording → stopping → stopped with a File; cancel (also while the browser
// asks for the microphone) discards; the time limit stops it by itself; a refused or missing
// microphone fails with its code; the microphone's tracks are stopped however a recording ends. The
// controls in a real Chromium (a fake microphone) are driven by the browser suite's voice.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  VoiceRecorder, TICK_MS, clockText, errorOf, extensionOf, fileName, pickType,
} from '../../main/resources/parley-web/sdk/recorder.js';

/** A microphone stream whose tracks count their stops. */
class FakeStream {
  constructor() {
    this.tracks = [{ stopped: 0, stop() { this.stopped++; } }];
  }
  getTracks() { return this.tracks; }
  get live() { return this.tracks.every((t) => t.stopped === 0); }
}

/** MediaRecorder as the recorder uses it: the test says when data comes and when it stops. */
class FakeRecorder {
  /** @param {FakeStream} stream @param {{mimeType?: string}} opts */
  constructor(stream, opts) {
    this.stream = stream;
    this.opts = opts;
    this.mimeType = opts.mimeType ?? 'audio/webm';
    this.state = 'inactive';
    /** @type {Record<string, Function[]>} */
    this.listeners = {};
  }
  addEventListener(type, fn) { (this.listeners[type] ??= []).push(fn); }
  emit(type, e = {}) { for (const fn of this.listeners[type] ?? []) fn(e); }
  start() { this.state = 'recording'; }
  /** Like the browser: the last data, then `stop`, after the call returns. */
  stop() {
    if (this.state === 'inactive') {
      throw new Error('InvalidStateError');
    }
    this.state = 'inactive';
    queueMicrotask(() => {
      this.emit('dataavailable', { data: new Blob([new Uint8Array([0x1a, 0x45, 0xdf, 0xa3, 1, 2, 3])]) });
      this.emit('stop');
    });
  }
}

/** A page: a manual clock and timers that fire when the clock is advanced past them. */
function page({ supported = ['audio/webm;codecs=opus'], deny = null } = {}) {
  let now = Date.UTC(2026, 11, 2, 9, 30, 12);
  let nextId = 1;
  /** @type {Map<number, {at: number, fn: Function, every?: number}>} */
  const timers = new Map();
  /** @type {FakeRecorder[]} */
  const recorders = [];
  /** @type {FakeStream[]} */
  const streams = [];
  /** @type {{resolve: Function, reject: Function}[]} */
  const asks = [];
  let manualPermission = false;
  const env = {
    getUserMedia: (c) => {
      assert.deepEqual(c, { audio: true });
      if (deny) {
        return Promise.reject(Object.assign(new Error('no'), { name: deny }));
      }
      if (manualPermission) {
        return new Promise((resolve, reject) => asks.push({ resolve, reject }));
      }
      const s = new FakeStream();
      streams.push(s);
      return Promise.resolve(s);
    },
    recorder: (stream, opts) => {
      const r = new FakeRecorder(stream, opts);
      recorders.push(r);
      return r;
    },
    isTypeSupported: (t) => supported.includes(t),
    now: () => now,
    setTimeout: (fn, ms) => { timers.set(nextId, { at: now + ms, fn }); return nextId++; },
    clearTimeout: (id) => timers.delete(id),
    setInterval: (fn, ms) => { timers.set(nextId, { at: now + ms, fn, every: ms }); return nextId++; },
    clearInterval: (id) => timers.delete(id),
  };
  /** Moves the clock on by `ms`, firing the timers due on the way, in order. */
  const advance = (ms) => {
    const end = now + ms;
    for (;;) {
      const due = [...timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) {
        break;
      }
      const [id, t] = due;
      now = t.at;
      if (t.every) {
        t.at += t.every;
      } else {
        timers.delete(id);
      }
      t.fn();
    }
    now = end;
  };
  return {
    env, advance, recorders, streams, asks, timers,
    askManually() { manualPermission = true; },
  };
}

/** A recorder on `p` with everything it reports collected. */
function recorderOn(p, maxSeconds = 120) {
  const seen = { states: [], ticks: [], files: [], errors: [] };
  const r = new VoiceRecorder(p.env, {
    maxSeconds,
    onState: (s) => seen.states.push(s),
    onTick: (ms) => seen.ticks.push(ms),
    onFile: (f, reason) => seen.files.push({ f, reason }),
    onError: (c) => seen.errors.push(c),
  });
  return { r, seen };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

test('a recording: idle, starting, recording with a running time, stopping, stopped with a WebM file', async () => {
  const p = page();
  const { r, seen } = recorderOn(p);
  assert.equal(r.state, 'idle');
  await r.start();
  assert.equal(r.state, 'recording');
  assert.equal(p.recorders[0].opts.mimeType, 'audio/webm;codecs=opus');
  assert.deepEqual(seen.ticks, [0]);
  p.advance(1600);
  assert.equal(clockText(r.elapsed), '0:01');
  assert.deepEqual(seen.ticks.slice(-2), [1250, 1500]);
  assert.ok(p.streams[0].live);
  r.stop();
  assert.equal(r.state, 'stopping');
  assert.equal(p.timers.size, 0, 'the limit and the ticker are gone');
  await settle();
  assert.equal(r.state, 'stopped');
  assert.deepEqual(seen.states, ['starting', 'recording', 'stopping', 'stopped']);
  assert.equal(seen.files.length, 1);
  const { f, reason } = seen.files[0];
  assert.equal(reason, 'stop');
  assert.equal(f.name, 'voice-note-2026-12-02T09-30-13.webm');
  assert.equal(f.type, 'audio/webm');
  assert.equal(f.size, 7);
  assert.ok(!p.streams[0].live, 'the microphone is released');
  assert.deepEqual(seen.errors, []);

  await r.start();
  assert.equal(r.state, 'recording', 'another one may follow');
});

test('the recording stops by itself at the site\'s limit and says so', async () => {
  const p = page();
  const { r, seen } = recorderOn(p, 3);
  await r.start();
  p.advance(2999);
  assert.equal(r.state, 'recording');
  p.advance(1);
  assert.equal(r.state, 'stopping');
  await settle();
  assert.equal(r.state, 'stopped');
  assert.equal(seen.files[0].reason, 'limit');
  assert.equal(seen.ticks.at(-1), 3000, 'the time shown ends at the limit');
  assert.ok(Math.max(...seen.ticks) <= 3000, 'and never passes it');
  assert.ok(!p.streams[0].live);
});

test('cancel discards the recording: no file, the microphone released, the recorder\'s late data ignored', async () => {
  const p = page();
  const { r, seen } = recorderOn(p);
  await r.start();
  p.advance(1000);
  r.cancel();
  assert.equal(r.state, 'cancelled');
  await settle();
  assert.equal(r.state, 'cancelled');
  assert.deepEqual(seen.files, []);
  assert.deepEqual(seen.errors, []);
  assert.ok(!p.streams[0].live);
  assert.equal(p.timers.size, 0);
  r.cancel();
  r.stop();
  assert.deepEqual(seen.states, ['starting', 'recording', 'cancelled'], 'nothing more once cancelled');
});

test('cancelled while the browser asks for the microphone: the stream it gives later is stopped at once', async () => {
  const p = page();
  p.askManually();
  const { r, seen } = recorderOn(p);
  const started = r.start();
  assert.equal(r.state, 'starting');
  r.stop(); // nothing recorded yet: the same as cancel
  assert.equal(r.state, 'cancelled');
  const late = new FakeStream();
  p.asks[0].resolve(late);
  await started;
  assert.ok(!late.live, 'the microphone goes off');
  assert.equal(p.recorders.length, 0, 'no recorder made');
  assert.equal(r.state, 'cancelled');
  assert.deepEqual(seen.files, []);
});

test('a refused or missing microphone fails with its code and records nothing', async () => {
  for (const [name, code] of [['NotAllowedError', 'denied'], ['SecurityError', 'denied'], ['NotFoundError', 'no_device'],
    ['NotReadableError', 'no_device'], ['AbortError', 'failed']]) {
    const p = page({ deny: name });
    const { r, seen } = recorderOn(p);
    await r.start();
    assert.equal(r.state, 'failed', name);
    assert.deepEqual(seen.errors, [code], name);
    assert.deepEqual(seen.states, ['starting', 'failed']);
    assert.equal(p.recorders.length, 0);
  }
  assert.equal(errorOf(undefined), 'failed');
});

test('a recorder error or an empty recording fails and releases the microphone', async () => {
  const p = page();
  const { r, seen } = recorderOn(p);
  await r.start();
  p.recorders[0].emit('error');
  assert.equal(r.state, 'failed');
  assert.deepEqual(seen.errors, ['failed']);
  assert.ok(!p.streams[0].live);
  assert.equal(p.timers.size, 0);

  await r.start();
  const rec = p.recorders[1];
  rec.stop = () => { rec.state = 'inactive'; queueMicrotask(() => rec.emit('stop')); }; // no data at all
  r.stop();
  await settle();
  assert.equal(r.state, 'failed');
  assert.deepEqual(seen.errors, ['failed', 'failed']);
  assert.deepEqual(seen.files, []);
  assert.ok(!p.streams[1].live);
});

test('start while busy does nothing; stop and cancel while idle do nothing', async () => {
  const p = page();
  const { r, seen } = recorderOn(p);
  r.stop();
  r.cancel();
  assert.deepEqual(seen.states, []);
  await r.start();
  await r.start();
  assert.equal(p.recorders.length, 1);
  assert.equal(p.streams.length, 1);
});

test('the format falls back to what the browser records; the file is named for it', async () => {
  assert.equal(pickType((t) => t === 'audio/ogg;codecs=opus'), 'audio/ogg;codecs=opus');
  assert.equal(pickType((t) => t === 'audio/mp4'), 'audio/mp4');
  assert.equal(pickType(() => false), '', 'the browser\'s default');
  assert.equal(pickType(() => { throw new Error('old browser'); }), '');
  assert.equal(extensionOf('audio/ogg;codecs=opus'), 'ogg');
  assert.equal(extensionOf('audio/mp4'), 'm4a');
  assert.equal(extensionOf('audio/webm;codecs=opus'), 'webm');
  assert.equal(fileName(Date.UTC(2026, 0, 5, 7, 8, 9), 'audio/ogg'), 'voice-note-2026-01-05T07-08-09.ogg');

  const p = page({ supported: ['audio/mp4'] });
  const { r, seen } = recorderOn(p);
  await r.start();
  assert.equal(p.recorders[0].opts.mimeType, 'audio/mp4');
  r.stop();
  await settle();
  assert.match(seen.files[0].f.name, /^voice-note-.*\.m4a$/);
  assert.equal(seen.files[0].f.type, 'audio/mp4');

  const q = page({ supported: [] });
  const other = recorderOn(q);
  await other.r.start();
  assert.equal(q.recorders[0].opts.mimeType, undefined, 'no type asked: the browser picks');
});

test('the clock shows minutes and seconds', () => {
  assert.equal(clockText(0), '0:00');
  assert.equal(clockText(999), '0:00');
  assert.equal(clockText(61_500), '1:01');
  assert.equal(clockText(600_000), '10:00');
  assert.equal(clockText(-5), '0:00');
  assert.equal(TICK_MS, 250);
});
