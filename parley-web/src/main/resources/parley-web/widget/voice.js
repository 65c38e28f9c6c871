// @ts-check
// The widget's voice notes (docs/CLIENTS.md#voice-notes): a microphone button beside the emoji one,
// shown where the browser can record (MediaRecorder and getUserMedia) and the site takes audio
// (its appearance carries `voice.maxSeconds`). A press starts a recording (sdk/recorder.js): the
// button is then named "Stop and attach", and a bar above the text box shows the running time
// (m:ss), the time left and a Cancel button; Escape cancels too. At the site's limit the recording
// stops by itself. A stopped recording goes into the upload tray (sdk/uploads.js) like a picked
// file — progress, remove, retry and the idempotency key are the tray's — and the focus goes to the
// text box, so Enter sends it; a cancelled one is dropped, the focus back on the button. A screen
// reader hears the start, the stop and a cancel from a polite live region; a refused or missing
// microphone is said in an alert under the composer, and nothing is sent. No markup strings, no
// style attributes. Call on the page's event loop.

import { VoiceRecorder, browserEnv, clockText } from '../sdk/recorder.js';
import { lineIcon } from '../sdk/icons.js';

/** @typedef {import('./strings.js').Strings} Strings */
/** @typedef {import('./panel.js').Panel} Panel */
/** @typedef {import('../sdk/uploads.js').UploadTray} UploadTray */
/** @typedef {import('../sdk/recorder.js').RecorderEnv} RecorderEnv */
/** @typedef {import('../sdk/recorder.js').RecorderState} RecorderState */
/** @typedef {'voiceRecording'|'voiceAttached'|'voiceCancelled'|'voiceLimit'|'voiceDenied'|'voiceNoDevice'|'voiceFailed'} Said */

/**
 * The widget's voice note controls.
 * @typedef {object} VoiceControls
 * @property {VoiceRecorder|null} recorder null where the browser cannot record
 * @property {(voice: {maxSeconds?: number}|undefined|null) => void} configure the site's voice
 *   settings from its appearance (none: the button is hidden)
 * @property {() => void} cancel discards a recording in progress (the panel closes)
 * @property {() => void} relabel says everything again in the current language
 */

/**
 * An SVG icon (a microphone; a stop square, filled), hidden from screen readers.
 * @param {Document} doc @param {string} d the path @param {boolean} [filled]
 */
function icon(doc, d, filled = false) {
  return lineIcon(doc, [d], { filled });
}

const MICROPHONE = 'M12 3a3 3 0 0 0-3 3v6a3 3 0 0 0 6 0V6a3 3 0 0 0-3-3zM5 11a7 7 0 0 0 14 0M12 18v3';
const STOP = 'M7 7h10v10H7z';

/**
 * Adds the microphone button (before the send button), the recording bar and the voice notes'
 * announcements to the widget's composer.
 * @param {Panel} ui @param {UploadTray} tray where a stopped recording goes
 * @param {() => Strings} words
 * @param {RecorderEnv|null} [env] the browser's recording parts (default: this window's; null: none)
 * @returns {VoiceControls}
 */
export function attachVoice(ui, tray, words, env = browserEnv(window)) {
  const doc = ui.form.ownerDocument;
  /** @param {string} tag @param {string} cls @returns {HTMLElement} */
  const el = (tag, cls) => {
    const e = doc.createElement(tag);
    e.className = cls;
    return e;
  };
  const button = /** @type {HTMLButtonElement} */ (el('button', 'voice'));
  button.type = 'button';
  button.setAttribute('part', 'voice');
  button.hidden = true;
  const bar = el('div', 'voice-bar');
  bar.setAttribute('part', 'voice-recording');
  bar.hidden = true;
  const dot = el('span', 'voice-dot');
  dot.setAttribute('aria-hidden', 'true');
  const timer = el('span', 'voice-timer');
  timer.setAttribute('role', 'timer');
  const left = el('span', 'voice-left');
  const cancel = /** @type {HTMLButtonElement} */ (el('button', 'voice-cancel'));
  cancel.type = 'button';
  bar.append(dot, timer, left, cancel);
  const live = el('span', 'sr voice-live');
  live.setAttribute('role', 'status');
  live.setAttribute('aria-live', 'polite');
  const error = el('p', 'voice-error');
  error.setAttribute('role', 'alert');
  error.hidden = true;
  ui.send.before(button);
  ui.form.prepend(bar);
  ui.form.append(live, error);

  let maxSeconds = 0;
  /** @type {Said|null} the last announcement, said again in another language */
  let said = null;
  /** @type {Said|null} the error shown */
  let shown = null;

  /** @param {Said|null} key */
  const announce = (key) => {
    said = key;
    live.textContent = key ? words()[key] : '';
  };
  /** @param {Said|null} key */
  const showError = (key) => {
    shown = key;
    error.hidden = !key;
    error.textContent = key ? words()[key] : '';
  };
  /** @param {number} ms */
  const showTime = (ms) => {
    timer.textContent = clockText(ms);
    left.textContent = words().voiceLeft(clockText(Math.max(0, maxSeconds * 1000 - ms) + 999));
  };

  const recorder = env
    ? new VoiceRecorder(env, {
      get maxSeconds() {
        return maxSeconds;
      },
      onTick: showTime,
      onState: (s) => show(s),
      onFile: (file, reason) => {
        tray.add([file]);
        announce(reason === 'limit' ? 'voiceLimit' : 'voiceAttached');
      },
      onError: (code) => {
        announce(null);
        showError(code === 'denied' ? 'voiceDenied' : code === 'no_device' ? 'voiceNoDevice' : 'voiceFailed');
      },
    })
    : null;

  /** Draws the controls for the recorder's state. @param {RecorderState} s */
  function show(s) {
    const busy = s === 'starting' || s === 'recording' || s === 'stopping';
    const active = /** @type {Document|ShadowRoot} */ (ui.form.getRootNode()).activeElement;
    const hadFocus = active === button || bar.contains(active);
    bar.hidden = !busy;
    button.classList.toggle('recording', busy);
    button.disabled = s === 'stopping';
    ui.host.dataset.voice = s;
    if (s === 'starting') {
      showError(null);
      showTime(0);
    } else if (s === 'recording') {
      announce('voiceRecording');
    } else if (s === 'cancelled') {
      announce('voiceCancelled');
    }
    relabel();
    if (s === 'stopped' || s === 'failed') {
      ui.input.focus(); // Enter sends the note; an error is read from its alert
    } else if (s === 'cancelled' && hadFocus) {
      button.focus();
    }
  }

  function relabel() {
    const t = words();
    const busy = Boolean(recorder?.busy);
    const name = busy ? t.voiceStop : t.voiceRecord;
    button.setAttribute('aria-label', name);
    button.title = name;
    button.replaceChildren(busy ? icon(doc, STOP, true) : icon(doc, MICROPHONE));
    cancel.textContent = t.voiceCancel;
    if (busy) {
      showTime(recorder?.elapsed ?? 0);
    }
    if (said) {
      live.textContent = t[said];
    }
    if (shown) {
      error.textContent = t[shown];
    }
  }

  button.addEventListener('click', () => {
    if (!recorder) {
      return;
    }
    if (recorder.busy) {
      recorder.stop();
    } else {
      announce(null);
      recorder.start();
    }
  });
  cancel.addEventListener('click', () => recorder?.cancel());
  ui.form.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && recorder?.busy) {
      e.preventDefault();
      e.stopPropagation(); // the recording is cancelled, the panel stays open
      recorder.cancel();
    }
  });
  relabel();
  return {
    recorder,
    configure: (voice) => {
      maxSeconds = Number.isInteger(voice?.maxSeconds) && Number(voice?.maxSeconds) > 0 ? Number(voice?.maxSeconds) : 0;
      button.hidden = !recorder || !maxSeconds;
      if (button.hidden) {
        recorder?.cancel();
      }
    },
    cancel: () => recorder?.cancel(),
    relabel,
  };
}
