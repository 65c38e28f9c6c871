// @ts-check
// The files a composer is about to send, for the widget and the agent console
// (docs/CLIENTS.md#files): picked with an attach button, pasted into the text box or dropped on the
// chat, each uploaded at once (`ParleyClient#upload`) with a progress bar; `take()` waits for the
// uploads and gives the ids of the ones stored, for `send(conv, text, {attachments})`. A refused
// upload stays listed with its reason (role=alert) until the next send or pick. Every file has a
// remove button (named "Remove <file name>" in the page's language): it cancels an upload in
// progress (an AbortSignal: not shown as a failure) and takes the file off the list, so the next
// send does not carry it; the focus goes to the next file's remove button, else to `focusAfter`
// (the text box). At most `max` files wait at once (the protocol's 20; a site may allow fewer: the
// server says `too_many_attachments`). Call on the page's event loop.

import { lineIcon } from './icons.js';

/** @typedef {import('./upload.js').Uploaded} Uploaded */
/** @typedef {import('./upload.js').UploadOptions} UploadOptions */

/**
 * @typedef {object} TrayOptions
 * @property {(file: File, opts: UploadOptions) => Promise<Uploaded>} upload uploads to the open conversation
 * @property {(code: string) => string} reason the words for a refusal's error code
 * @property {(name: string) => string} removeLabel the accessible name of a file's remove button
 * @property {() => HTMLElement|null} [focusAfter] what takes the focus when the last file is removed
 * @property {number} [max] files waiting at once (default 20)
 * @property {() => void} [changed] after a file is added, removed or taken
 */

/**
 * One file in the tray: `done` gives its id once stored, null when refused or removed.
 * @typedef {{li: HTMLElement, name: string, remove: HTMLButtonElement, done: Promise<string|null>,
 *   failed: boolean, removed: boolean, abort: AbortController}} Entry
 */

/** Files picked, uploading or uploaded, shown as `li`s of `list` (hidden while empty). */
export class UploadTray {
  /** @param {HTMLElement} list a `ul` @param {TrayOptions} options */
  constructor(list, options) {
    this.list = list;
    this.options = options;
    /** @type {Entry[]} */
    this._entries = [];
    this.list.hidden = true;
  }

  /** Files not refused: uploading or uploaded, to go with the next send. */
  get count() {
    return this._entries.filter((e) => !e.failed).length;
  }

  /** Starts uploading `files` (refusals of earlier picks are cleared). @param {Iterable<File>} files */
  add(files) {
    this._dropFailed();
    for (const file of files) {
      if (this.count >= (this.options.max ?? 20)) {
        break;
      }
      this._entries.push(this._start(file));
    }
    this._show();
  }

  /**
   * Waits for every upload, then empties the tray of the stored files and gives their ids, in the
   * order picked; refused ones stay shown with their reason, and a file removed meanwhile is left out.
   * @returns {Promise<string[]>}
   */
  async take() {
    const entries = this._entries.slice();
    const done = await Promise.all(entries.map((e) => e.done));
    const ids = done.map((id, i) => (entries[i].removed ? null : id)); // removed while waiting: not sent
    this._dropFailed();
    for (const e of entries) {
      if (!e.failed) {
        e.li.remove();
      }
    }
    this._entries = this._entries.filter((e) => !entries.includes(e) || e.failed);
    this._show();
    return /** @type {string[]} */ (ids.filter((id) => id !== null));
  }

  /**
   * Takes the file at `index` off the list, cancelling its upload if it is still going, and moves
   * the focus to the next file's remove button, else to `focusAfter`.
   * @param {number} index
   */
  remove(index) {
    const entry = this._entries[index];
    if (!entry) {
      return;
    }
    entry.removed = true;
    entry.abort.abort();
    entry.li.remove();
    this._entries.splice(index, 1);
    this._show();
    const next = this._entries[index]?.remove ?? this.options.focusAfter?.();
    next?.focus();
  }

  /** The files listed, in order: name and state (`uploading`, `uploaded` or `failed`). */
  get files() {
    return this._entries.map((e) => ({
      name: e.name,
      state: e.failed ? 'failed' : e.li.classList.contains('uploaded') ? 'uploaded' : 'uploading',
    }));
  }

  /** Names the remove buttons again (the page's language changed). */
  relabel() {
    for (const e of this._entries) {
      this._relabelOne(e);
    }
  }

  /** @param {File} file @returns {Entry} */
  _start(file) {
    const doc = this.list.ownerDocument;
    const li = doc.createElement('li');
    li.className = 'upload';
    const name = doc.createElement('span');
    name.className = 'upload-name';
    name.textContent = file.name || 'file';
    name.dir = 'auto';
    const bar = doc.createElement('progress');
    bar.max = Math.max(1, file.size);
    bar.value = 0;
    bar.setAttribute('aria-label', file.name || 'file');
    const remove = doc.createElement('button');
    remove.type = 'button';
    remove.className = 'upload-remove';
    remove.textContent = '\u00d7';
    li.append(name, bar, remove);
    this.list.append(li);
    /** @type {Entry} */
    const entry = {
      li, name: file.name || 'file', remove, failed: false, removed: false, abort: new AbortController(),
      done: Promise.resolve(null),
    };
    remove.addEventListener('click', () => this.remove(this._entries.indexOf(entry)));
    const opts = { onProgress: (/** @type {number} */ sent) => { bar.value = sent; }, signal: entry.abort.signal };
    entry.done = this.options.upload(file, opts).then(
      (u) => {
        bar.value = bar.max;
        li.classList.add('uploaded');
        return u.file.id;
      },
      (/** @type {any} */ e) => {
        if (entry.removed || e?.code === 'aborted') {
          return null; // cancelled by the visitor: not a failure
        }
        entry.failed = true;
        bar.remove();
        li.classList.add('failed');
        const why = doc.createElement('span');
        why.className = 'upload-error';
        why.setAttribute('role', 'alert');
        why.textContent = this.options.reason(String(e?.code ?? 'network'));
        li.append(why);
        this._show();
        return null;
      },
    );
    this._relabelOne(entry);
    return entry;
  }

  /** @param {Entry} e */
  _relabelOne(e) {
    e.remove.setAttribute('aria-label', this.options.removeLabel(e.name));
    e.remove.title = this.options.removeLabel(e.name);
  }

  /** Forgets every file (another conversation is open now: these were uploaded to the last one). */
  clear() {
    for (const e of this._entries) {
      e.removed = true;
      e.abort.abort();
      e.li.remove();
    }
    this._entries = [];
    this._show();
  }

  _dropFailed() {
    for (const e of this._entries.filter((x) => x.failed)) {
      e.li.remove();
    }
    this._entries = this._entries.filter((x) => !x.failed);
  }

  _show() {
    this.list.hidden = this._entries.length === 0;
    this.options.changed?.();
  }
}

/** A paperclip drawn as SVG (fonts without emoji show no 📎), hidden from screen readers. @param {Document} doc */
function clipIcon(doc) {
  return lineIcon(doc, ['M17 8v8.5a5 5 0 0 1-10 0V6a3.5 3.5 0 0 1 7 0v10a2 2 0 0 1-4 0V8']);
}

/**
 * Wires the ways to pick files to `tray`: `button` (given a paperclip icon; its accessible name is
 * the caller's) opens the hidden file `input`; an image (or any
 * file) pasted into `pasteTarget` and files dropped on `dropTarget` (marked `dropping` while
 * dragged over) are added.
 * @param {UploadTray} tray
 * @param {{button: HTMLButtonElement, input: HTMLInputElement, pasteTarget: HTMLElement, dropTarget: HTMLElement}} els
 */
export function wireAttach(tray, { button, input, pasteTarget, dropTarget }) {
  input.type = 'file';
  input.multiple = true;
  input.hidden = true;
  input.tabIndex = -1;
  button.type = 'button';
  button.replaceChildren(clipIcon(button.ownerDocument));
  button.addEventListener('click', () => input.click());
  input.addEventListener('change', () => {
    tray.add(input.files ?? []);
    input.value = '';
  });
  pasteTarget.addEventListener('paste', (e) => {
    const files = [...(e.clipboardData?.files ?? [])];
    if (files.length) {
      e.preventDefault();
      tray.add(files);
    }
  });
  /** @param {DragEvent} e */
  const carriesFiles = (e) => Boolean(e.dataTransfer?.types.includes('Files'));
  dropTarget.addEventListener('dragover', (e) => {
    if (carriesFiles(e)) {
      e.preventDefault();
      dropTarget.classList.add('dropping');
    }
  });
  dropTarget.addEventListener('dragleave', (e) => {
    if (e.target === dropTarget) {
      dropTarget.classList.remove('dropping');
    }
  });
  dropTarget.addEventListener('drop', (e) => {
    dropTarget.classList.remove('dropping');
    if (carriesFiles(e)) {
      e.preventDefault();
      tray.add(e.dataTransfer?.files ?? []);
    }
  });
}
