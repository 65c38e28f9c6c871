// @ts-check
// A voice note recorded from the microphone (docs/CLIENTS.md#voice-notes): one VoiceRecorder per
// composer, with no DOM of its own (widget/voice.js draws its controls). `start()` asks for the
// microphone and records with MediaRecorder, Opus in WebM where the browser has it (else Opus in
// Ogg, else what the browser records); `stop()` ends the recording and hands it over as a File
// (`voice-note-<time>.webm`); `cancel()` (also while the browser still asks for permission)
// discards it. The recording stops by itself at `maxSeconds`, the site's `voice.maxSeconds`. The
// microphone's tracks are stopped whenever a recording ends, however it ends, so the browser's
// microphone indicator goes off. The browser's parts (getUserMedia, MediaRecorder, the clock and the
// timers) come in a RecorderEnv, so the state machine runs in Node with stand-ins. Call on the
// page's event loop.

/**
 * `idle` before the first recording; `starting` while the browser asks for the microphone;
 * `recording`; `stopping` until the recorder gives its last data; then `stopped` (a file was
 * handed over), `cancelled` (discarded) or `failed` (no microphone, no permission, a recorder
 * error). `start()` may be called again from `idle`, `stopped`, `cancelled` and `failed`.
 * @typedef {'idle'|'starting'|'recording'|'stopping'|'stopped'|'cancelled'|'failed'} RecorderState
 */

/**
 * Why a recording failed: `denied` (the visitor or the browser refused the microphone),
 * `no_device` (no microphone), `failed` (anything else: a recorder error, an empty recording).
 * @typedef {'denied'|'no_device'|'failed'} RecorderError
 */

/**
 * The parts of MediaRecorder used here.
 * @typedef {{state: string, mimeType: string, start: () => void, stop: () => void,
 *   addEventListener: (type: string, fn: (e: any) => void) => void}} RecorderLike
 */

/**
 * What a VoiceRecorder needs of the browser.
 * @typedef {object} RecorderEnv
 * @property {(c: MediaStreamConstraints) => Promise<MediaStream>} getUserMedia
 * @property {(stream: MediaStream, opts: {mimeType?: string, audioBitsPerSecond?: number}) => RecorderLike} recorder
 * @property {(type: string) => boolean} isTypeSupported MediaRecorder.isTypeSupported
 * @property {() => number} now milliseconds
 * @property {(fn: () => void, ms: number) => unknown} setTimeout
 * @property {(id: unknown) => void} clearTimeout
 * @property {(fn: () => void, ms: number) => unknown} setInterval
 * @property {(id: unknown) => void} clearInterval
 */

/**
 * @typedef {object} RecorderOptions
 * @property {number} maxSeconds the longest recording; it stops by itself there
 * @property {(state: RecorderState) => void} [onState] after every change of state
 * @property {(elapsedMs: number) => void} [onTick] while recording, every TICK_MS and at the start
 * @property {(file: File, reason: 'stop'|'limit') => void} [onFile] the recording, once stopped
 * @property {(code: RecorderError) => void} [onError]
 */

/** The formats asked for, best first: Opus in WebM (Chromium, Firefox), Opus in Ogg, then any. */
export const TYPES = Object.freeze(['audio/webm;codecs=opus', 'audio/ogg;codecs=opus', 'audio/webm', 'audio/ogg', 'audio/mp4']);

/** How often the running time is reported. */
export const TICK_MS = 250;

/** The bitrate asked for: plenty for speech, a minute is about 360 KB. */
export const BITS_PER_SECOND = 48000;

/**
 * The first of TYPES the browser records, or '' for its own default.
 * @param {(type: string) => boolean} isTypeSupported @returns {string}
 */
export function pickType(isTypeSupported) {
  return TYPES.find((t) => {
    try {
      return isTypeSupported(t);
    } catch {
      return false;
    }
  }) ?? '';
}

/** The file name extension for a recorded media type. @param {string} type @returns {string} */
export function extensionOf(type) {
  const base = type.split(';')[0].trim().toLowerCase();
  return { 'audio/ogg': 'ogg', 'audio/mp4': 'm4a', 'audio/mpeg': 'mp3', 'audio/wav': 'wav' }[base] ?? 'webm';
}

/** `m:ss` for a duration (whole seconds, rounded down). @param {number} ms @returns {string} */
export function clockText(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** The name of a voice note recorded at `now`: `voice-note-2026-12-02T09-30-12.webm`. @param {number} now @param {string} type */
export function fileName(now, type) {
  return `voice-note-${new Date(now).toISOString().slice(0, 19).replace(/:/g, '-')}.${extensionOf(type)}`;
}

/** The RecorderError for what getUserMedia or MediaRecorder threw. @param {unknown} e @returns {RecorderError} */
export function errorOf(e) {
  const name = /** @type {{name?: string}} */ (e)?.name;
  if (name === 'NotAllowedError' || name === 'SecurityError') {
    return 'denied';
  }
  if (name === 'NotFoundError' || name === 'OverconstrainedError' || name === 'NotReadableError') {
    return 'no_device';
  }
  return 'failed';
}

/**
 * The browser's parts, or null where it cannot record (no MediaRecorder, no getUserMedia: an old
 * browser, or a page not served over HTTPS).
 * @param {Window & typeof globalThis} win @returns {RecorderEnv|null}
 */
export function browserEnv(win) {
  const devices = win.navigator?.mediaDevices;
  const Recorder = win.MediaRecorder;
  if (!Recorder || typeof devices?.getUserMedia !== 'function') {
    return null;
  }
  return {
    getUserMedia: (c) => devices.getUserMedia(c),
    recorder: (stream, opts) => new Recorder(stream, opts),
    isTypeSupported: (t) => typeof Recorder.isTypeSupported === 'function' && Recorder.isTypeSupported(t),
    now: () => Date.now(),
    setTimeout: (fn, ms) => win.setTimeout(fn, ms),
    clearTimeout: (id) => win.clearTimeout(/** @type {number} */ (id)),
    setInterval: (fn, ms) => win.setInterval(fn, ms),
    clearInterval: (id) => win.clearInterval(/** @type {number} */ (id)),
  };
}

/** Records one voice note at a time. */
export class VoiceRecorder {
  /** @param {RecorderEnv} env @param {RecorderOptions} options */
  constructor(env, options) {
    this.env = env;
    this.options = options;
    /** @type {RecorderState} */
    this._state = 'idle';
    /** @type {MediaStream|null} */
    this._stream = null;
    /** @type {RecorderLike|null} */
    this._recorder = null;
    /** @type {Blob[]} */
    this._chunks = [];
    this._startedAt = 0;
    /** @type {unknown} */
    this._limit = null;
    /** @type {unknown} */
    this._ticker = null;
    /** @type {'stop'|'limit'} */
    this._reason = 'stop';
    /** Counts recordings: what an earlier one's late callbacks are told apart by. */
    this._run = 0;
  }

  /** @returns {RecorderState} */
  get state() {
    return this._state;
  }

  /** Whether a recording is being asked for, made or finished (the controls show). */
  get busy() {
    return this._state === 'starting' || this._state === 'recording' || this._state === 'stopping';
  }

  /** Milliseconds recorded so far (0 unless recording). */
  get elapsed() {
    return this._state === 'recording' || this._state === 'stopping' ? this.env.now() - this._startedAt : 0;
  }

  /** The longest recording, in milliseconds. */
  get maxMs() {
    return Math.max(1, this.options.maxSeconds) * 1000;
  }

  /** Asks for the microphone and starts recording; nothing when already busy. @returns {Promise<void>} */
  async start() {
    if (this.busy) {
      return;
    }
    const run = ++this._run;
    this._chunks = [];
    this._reason = 'stop';
    this._set('starting');
    /** @type {MediaStream} */
    let stream;
    try {
      stream = await this.env.getUserMedia({ audio: true });
    } catch (e) {
      if (run === this._run && this._state === 'starting') {
        this._fail(errorOf(e));
      }
      return;
    }
    if (run !== this._run || this._state !== 'starting') {
      stopTracks(stream); // cancelled while the browser asked: the microphone goes off at once
      return;
    }
    this._stream = stream;
    const type = pickType(this.env.isTypeSupported);
    /** @type {RecorderLike} */
    let recorder;
    try {
      recorder = this.env.recorder(stream, { ...(type ? { mimeType: type } : {}), audioBitsPerSecond: BITS_PER_SECOND });
      recorder.addEventListener('dataavailable', (e) => {
        if (run === this._run && e.data && e.data.size > 0) {
          this._chunks.push(e.data);
        }
      });
      recorder.addEventListener('stop', () => run === this._run && this._finish(type));
      recorder.addEventListener('error', () => run === this._run && this._fail('failed'));
      recorder.start();
    } catch (e) {
      this._fail(errorOf(e));
      return;
    }
    this._recorder = recorder;
    this._startedAt = this.env.now();
    this._limit = this.env.setTimeout(() => this.stop('limit'), this.maxMs);
    this._ticker = this.env.setInterval(() => this._tick(), TICK_MS);
    this._set('recording');
    this._tick();
  }

  /**
   * Ends the recording; the file follows (`onFile`) once the recorder has given its data. While
   * the browser still asks for the microphone there is nothing to keep: the same as cancel().
   * @param {'stop'|'limit'} [reason]
   */
  stop(reason = 'stop') {
    if (this._state === 'starting') {
      this.cancel();
      return;
    }
    if (this._state !== 'recording') {
      return;
    }
    this._reason = reason;
    this._tick(); // the time it ends at (at the limit: the limit itself)
    this._clearTimers();
    this._set('stopping');
    try {
      /** @type {RecorderLike} */ (this._recorder).stop();
    } catch {
      this._fail('failed');
    }
  }

  /** Discards the recording (or the request for the microphone); nothing is handed over. */
  cancel() {
    if (!this.busy) {
      return;
    }
    this._run++; // the recorder's last events and a late getUserMedia are ignored
    this._release();
    this._set('cancelled');
  }

  _tick() {
    if (this._state === 'recording') {
      this.options.onTick?.(Math.min(this.elapsed, this.maxMs));
    }
  }

  /** The recorder stopped: the file, unless it is empty. @param {string} type */
  _finish(type) {
    if (this._state !== 'stopping' && this._state !== 'recording') {
      return;
    }
    const mime = (this._recorder?.mimeType || type || 'audio/webm').split(';')[0];
    const chunks = this._chunks;
    const reason = this._reason;
    this._release();
    if (!chunks.length) {
      this._set('failed');
      this.options.onError?.('failed');
      return;
    }
    const file = new File(chunks, fileName(this.env.now(), mime), { type: mime });
    this._set('stopped');
    this.options.onFile?.(file, reason);
  }

  /** @param {RecorderError} code */
  _fail(code) {
    this._run++;
    this._release();
    this._set('failed');
    this.options.onError?.(code);
  }

  /** Stops the timers, the recorder and the microphone; forgets the data. */
  _release() {
    this._clearTimers();
    const r = this._recorder;
    this._recorder = null;
    if (r && r.state !== 'inactive') {
      try {
        r.stop();
      } catch {
        // already stopped
      }
    }
    if (this._stream) {
      stopTracks(this._stream);
      this._stream = null;
    }
    this._chunks = [];
  }

  _clearTimers() {
    if (this._limit !== null) {
      this.env.clearTimeout(this._limit);
      this._limit = null;
    }
    if (this._ticker !== null) {
      this.env.clearInterval(this._ticker);
      this._ticker = null;
    }
  }

  /** @param {RecorderState} s */
  _set(s) {
    this._state = s;
    this.options.onState?.(s);
  }
}

/** Stops every track of `stream`: the browser's microphone indicator goes off. @param {MediaStream} stream */
function stopTracks(stream) {
  for (const t of stream.getTracks()) {
    t.stop();
  }
}
