// @ts-check
// The widget's attach controls (docs/CLIENTS.md#files): a paperclip button (sdk/uploads.js draws
// it) before the send button, the list of files being uploaded above the composer, paste into the
// text box and drop on the panel, all feeding one UploadTray (sdk/uploads.js); and the emoji button
// beside the paperclip (sdk/emoji.js, docs/CLIENTS.md#emoji). Refusals and the files' remove
// buttons ("Remove <name>") are said in the visitor's language, refusals by the upload API's code.

import { UploadTray, wireAttach } from '../sdk/uploads.js';
import { wireEmoji } from '../sdk/emoji.js';

/** @typedef {import('./strings.js').Strings} Strings */
/** @typedef {import('./panel.js').Panel} Panel */
/** @typedef {import('../sdk/parley.js').ParleyClient} ParleyClient */

/** The words for an upload's refusal. @param {Strings} t @param {string} code @returns {string} */
export function refusal(t, code) {
  switch (code) {
    case 'file_too_large':
    case 'too_large':
    case 'image_too_large':
      return t.fileTooLarge;
    case 'unsupported_type':
      return t.fileType;
    case 'too_many_files':
    case 'too_many_attachments':
    case 'rate_limited':
      return t.fileLimit;
    default:
      return t.fileFailed;
  }
}

/**
 * Uploads `file` to the conversation shown (`conv()`), or — before the widget has one (the server's
 * first `conversation` event) — once it has. The visitor's next conversation is one too: not
 * stored yet, it is created by this upload (docs/PROTOCOL.md#files), so a visitor whose first act
 * is to attach a file loses nothing. `opts.signal` cancels the wait as it cancels the upload.
 * @param {Pick<ParleyClient, 'on'|'upload'>} client @param {() => string|null} conv
 * @param {File} file @param {import('../sdk/upload.js').UploadOptions} opts
 * @returns {Promise<import('../sdk/upload.js').Uploaded>}
 */
export function uploadWhenOpen(client, conv, file, opts) {
  const now = conv();
  if (now) {
    return client.upload(now, file, opts);
  }
  return new Promise((resolve, reject) => {
    const cancelled = () => {
      stop();
      reject(Object.assign(new Error('the upload was cancelled'), { code: 'aborted' }));
    };
    const stop = client.on('conversation', () => {
      const c = conv(); // the widget's own listener, subscribed first, has set it
      if (c) {
        stop();
        opts.signal?.removeEventListener('abort', cancelled);
        client.upload(c, file, opts).then(resolve, reject);
      }
    });
    opts.signal?.addEventListener('abort', cancelled, { once: true });
  });
}

/**
 * Adds the attach controls and the emoji button to the widget's composer.
 * @param {ParleyClient} client @param {Panel} ui @param {() => string|null} conv the conversation shown
 * @param {() => Strings} words @param {() => void} changed after files are added or taken
 * @returns {{tray: UploadTray, relabel: () => void}}
 */
export function attachControls(client, ui, conv, words, changed) {
  const doc = ui.form.ownerDocument;
  const button = doc.createElement('button');
  button.className = 'attach';
  button.setAttribute('part', 'attach');
  const input = doc.createElement('input');
  input.className = 'attach-input';
  const list = doc.createElement('ul');
  list.className = 'uploads';
  list.setAttribute('part', 'uploads');
  const smiley = doc.createElement('button');
  smiley.className = 'emoji-button';
  smiley.setAttribute('part', 'emoji');
  ui.send.before(button, input, smiley);
  ui.form.before(list);
  const tray = new UploadTray(list, {
    upload: (file, opts) => uploadWhenOpen(client, conv, file, opts),
    reason: (code) => refusal(words(), code),
    removeLabel: (name) => words().removeFile(name),
    focusAfter: () => ui.input,
    changed,
  });
  wireAttach(tray, { button, input, pasteTarget: ui.input, dropTarget: ui.panel });
  const emoji = wireEmoji({ button: smiley, box: ui.input, label: () => words().emoji, part: 'emoji-picker' });
  const relabel = () => {
    button.setAttribute('aria-label', words().attach);
    button.title = words().attach;
    emoji.relabel();
    tray.relabel();
  };
  relabel();
  return { tray, relabel };
}
