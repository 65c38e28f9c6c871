// @ts-check
// The agent's attach controls in the console's composer (docs/CLIENTS.md#files): the 📎 button,
// drop on the conversation pane, paste into the reply box, and the files uploading under the
// composer (each with a remove button), all one UploadTray (sdk/uploads.js) uploading to the open
// conversation; and the emoji button beside the 📎 one (sdk/emoji.js, docs/CLIENTS.md#emoji).

import { UploadTray, wireAttach } from '../sdk/uploads.js';
import { wireEmoji } from '../sdk/emoji.js';

/** @typedef {import('../sdk/parley.js').ParleyClient} ParleyClient */

/** What the agent is told of a refused upload, by the upload API's error code. */
const REASONS = /** @type {Record<string, string>} */ ({
  file_too_large: 'This file is larger than the site allows.',
  too_large: 'This file is too large.',
  image_too_large: 'This image has too many pixels.',
  unsupported_type: 'The site does not accept this type of file.',
  empty_file: 'This file is empty.',
  too_many_files: 'Too many files in this conversation.',
  rate_limited: 'Too many uploads right now; try again shortly.',
  busy: 'The server is busy; try again shortly.',
  forbidden: 'You cannot add files to this conversation.',
});

/**
 * @param {() => ParleyClient|null} client @param {() => string|null} conv the open conversation
 * @param {() => void} changed after files are added or taken
 * @returns {UploadTray}
 */
export function composerFiles(client, conv, changed) {
  const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
  const tray = new UploadTray($('uploads'), {
    upload: (file, opts) => {
      const c = client();
      const to = conv();
      return c && to ? c.upload(to, file, opts) : Promise.reject(Object.assign(new Error('signed out'), { code: 'forbidden' }));
    },
    reason: (code) => REASONS[code] ?? 'The file could not be uploaded; try again.',
    removeLabel: (name) => `Remove ${name}`,
    focusAfter: () => $('text'),
    changed,
  });
  wireAttach(tray, {
    button: /** @type {HTMLButtonElement} */ ($('attach')),
    input: /** @type {HTMLInputElement} */ ($('attach-input')),
    pasteTarget: $('text'),
    dropTarget: $('conversation'),
  });
  return tray;
}

/** Makes the composer's emoji button (`#emoji`) open a picker that inserts into the reply box. */
export function composerEmoji() {
  wireEmoji({
    button: /** @type {HTMLButtonElement} */ (document.getElementById('emoji')),
    box: /** @type {HTMLTextAreaElement} */ (document.getElementById('text')),
    label: () => 'Insert emoji',
  });
}
