// @ts-check
// Draws a message's attachments for the widget and the agent console (docs/CLIENTS.md#files): an
// image as a thumbnail button that opens a full-size viewer, a voice note (audio) as an `<audio
// controls>` player with its transcript under it, any other file as a card (name, type, size) that
// is its download link. Links come from `ParleyClient#fileLinks(id)`, cached per file
// until shortly before they expire (15 minutes); a drawn card's or player's link is renewed when it
// is used near or after its expiry (pointed at, focused, clicked, played), so a page left open for
// an hour still downloads and plays. Names and transcripts go in as text only. Call on the page's event loop.

/** @typedef {import('./protocol.js').Attachment} Attachment */
/** @typedef {import('./upload.js').Uploaded} Uploaded */

/**
 * The words an attachment needs, in the page's language.
 * @typedef {object} FileLabels
 * @property {string} closeViewer the viewer's close button's accessible name
 */

/**
 * What a page gives the renderer.
 * @typedef {object} FileOptions
 * @property {(id: string) => Promise<Uploaded>} links fresh signed links of a file (`client.fileLinks`)
 * @property {string} base the server's origin: the links are paths on it
 * @property {() => FileLabels} labels
 * @property {() => number} [now] the time in ms (`Date.now` unless a test gives its clock)
 */

/** Links older than this before their expiry are fetched again. */
const MARGIN_MS = 30_000;

/** The sizes a card shows. */
const UNITS = ['B', 'KB', 'MB', 'GB'];

/** @param {number} n bytes @returns {string} e.g. `1.2 MB` */
export function sizeText(n) {
  let v = n;
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u += 1;
  }
  return `${u === 0 ? v : v.toFixed(v < 10 ? 1 : 0)} ${UNITS[u]}`;
}

/** Whether an attachment is shown as an image (it has a thumbnail or is a displayable image). @param {Attachment} a */
const isImage = (a) => a.thumbnail || /^image\/(png|jpeg|gif|webp)$/.test(a.type);

/** Whether an attachment is played as a voice note. @param {Attachment} a */
const isAudio = (a) => /^audio\//.test(a.type);

/** Draws attachments into message bubbles and owns the one full-size viewer of a page. */
export class AttachmentRenderer {
  /** @param {Document} doc @param {Node} viewerHost where the viewer goes (the widget's shadow root, a page's body) @param {FileOptions} options */
  constructor(doc, viewerHost, options) {
    this.doc = doc;
    this.host = viewerHost;
    this.options = options;
    /** @type {Map<string, Promise<Uploaded>>} the last links of each file drawn, by id (replaced near expiry) */
    this._links = new Map();
    /** @type {HTMLElement|null} */
    this._viewer = null;
  }

  /**
   * Fresh links of file `id`: cached until `MARGIN_MS` before `expiresAt` (checked at each ask, so a
   * sleeping laptop's late timers cannot hand out a dead link); a failure is not kept. Asked again
   * at most once per call: a page whose clock runs ahead of the server's sees every link as expired,
   * and gets the fresh one rather than a loop.
   * @param {string} id @param {boolean} [again] whether a link near its end may be asked for again
   * @returns {Promise<{url: string, thumbnailUrl: string|null, expiresAt: number}>}
   */
  async links(id, again = true) {
    let p = this._links.get(id);
    if (!p) {
      p = this.options.links(id);
      this._links.set(id, p);
      p.catch(() => this._links.get(id) === p && this._links.delete(id));
    }
    const l = await p;
    if (again && this._now() > l.expiresAt - MARGIN_MS) {
      if (this._links.get(id) === p) {
        this._links.delete(id);
      }
      return this.links(id, false);
    }
    const abs = (/** @type {string} */ u) => new URL(u, this.options.base).href;
    return { url: abs(l.url), thumbnailUrl: l.thumbnailUrl ? abs(l.thumbnailUrl) : null, expiresAt: l.expiresAt };
  }

  /** @returns {number} */
  _now() {
    return this.options.now ? this.options.now() : Date.now();
  }

  /**
   * Gives `el` its link (`apply`) now and keeps it usable past the link's expiry: pointing at or
   * focusing `el` near the end draws a fresh one, and an activation (`use`: a click, a play) that
   * finds it near the end is held until the fresh link is in, then happens again.
   * @param {HTMLElement} el @param {string} id @param {(l: {url: string}) => void} apply
   * @param {'click'|'play'} use @param {(e: Event) => void} hold stops the activation
   * @param {() => void} again repeats the held activation
   */
  _linked(el, id, apply, use, hold, again) {
    let expiresAt = Infinity;
    /** @type {Promise<boolean>|null} */
    let pending = null;
    const renew = () => {
      pending ??= this.links(id).then(
        (l) => { expiresAt = l.expiresAt; apply(l); el.classList.remove('broken'); return true; },
        () => { el.classList.add('broken'); return false; },
      ).finally(() => { pending = null; });
      return pending;
    };
    const near = () => this._now() > expiresAt - MARGIN_MS;
    // The activation repeated on a fresh link goes through, even when the page's clock (ahead of
    // the server's) still calls it near its end.
    let repeating = false;
    const early = () => { if (near() && !pending) renew(); };
    el.addEventListener('pointerenter', early);
    el.addEventListener('focus', early);
    el.addEventListener(use, (e) => {
      if (repeating) {
        repeating = false;
      } else if (near()) {
        hold(e);
        renew().then((ok) => {
          if (ok) {
            repeating = true;
            again();
          }
        });
      }
    });
    expiresAt = 0; // the first link is drawn now; until it is in, an activation waits for it
    renew();
  }

  /**
   * Brings `el`'s `div.files` (after `after`) in line with `files`: none when there are none.
   * @param {HTMLElement} el @param {Element} after @param {readonly Attachment[]} files @param {string} [part]
   */
  draw(el, after, files, part) {
    let box = /** @type {HTMLElement|null} */ (el.querySelector(':scope > .files'));
    const ids = files.map((f) => f.id).join(' ');
    if (!files.length) {
      box?.remove();
      return;
    }
    if (box?.dataset.ids === ids) {
      return; // drawn already: keep the loaded images
    }
    if (!box) {
      box = this.doc.createElement('div');
      box.className = 'files';
      if (part) {
        box.setAttribute('part', 'files');
      }
      after.after(box);
    }
    box.dataset.ids = ids;
    box.replaceChildren(...files.map((f) => (isImage(f) ? this._thumb(f) : isAudio(f) ? this._audio(f) : this._card(f))));
  }

  /** @param {Attachment} f @returns {HTMLElement} */
  _thumb(f) {
    const b = this.doc.createElement('button');
    b.type = 'button';
    b.className = 'thumb';
    b.dataset.file = f.id;
    const img = this.doc.createElement('img');
    img.alt = f.name;
    // the box keeps its size while loading: at most 200 px wide and 240 px high, the image's shape
    const scale = f.width && f.height ? Math.min(1, 200 / f.width, 240 / f.height) : 0;
    img.width = scale ? Math.max(1, Math.round((f.width ?? 0) * scale)) : 120;
    img.height = scale ? Math.max(1, Math.round((f.height ?? 0) * scale)) : 90;
    b.append(img);
    this.links(f.id).then(
      (l) => { img.src = l.thumbnailUrl ?? l.url; },
      () => b.classList.add('broken'),
    );
    b.addEventListener('click', () => this.open(f, b));
    return b;
  }

  /**
   * A voice note: a player (its source set once the links come; nothing is fetched before play)
   * and, when the server transcribed it, the transcript under it as text.
   * @param {Attachment} f @returns {HTMLElement}
   */
  _audio(f) {
    const box = this.doc.createElement('div');
    box.className = 'voice-note';
    box.dataset.file = f.id;
    const audio = /** @type {HTMLAudioElement} */ (this.doc.createElement('audio'));
    audio.controls = true;
    audio.preload = 'none';
    audio.setAttribute('aria-label', f.name);
    box.append(audio);
    if (f.transcript) {
      const p = this.doc.createElement('p');
      p.className = 'transcript';
      p.dir = 'auto';
      p.textContent = f.transcript;
      box.append(p);
    }
    this._linked(audio, f.id, (l) => { audio.src = l.url; }, 'play', () => audio.pause(), () => audio.play().catch(() => {}));
    return box;
  }

  /** @param {Attachment} f @returns {HTMLElement} */
  _card(f) {
    const a = this.doc.createElement('a');
    a.className = 'file-card';
    a.dataset.file = f.id;
    a.download = f.name;
    a.rel = 'noopener noreferrer';
    const name = this.doc.createElement('span');
    name.className = 'file-name';
    name.textContent = f.name;
    name.dir = 'auto';
    const about = this.doc.createElement('span');
    about.className = 'file-about';
    about.dir = 'ltr';
    about.textContent = `${f.type} · ${sizeText(f.size)}`;
    a.append(name, about);
    this._linked(a, f.id, (l) => { a.href = l.url; }, 'click', (e) => e.preventDefault(), () => a.click());
    return a;
  }

  /**
   * Opens the full-size viewer on image `f`: a modal dialog named by the file's name; Escape, the
   * close button or a click beside the image closes it and gives focus back to `from`.
   * @param {Attachment} f @param {HTMLElement} from
   */
  async open(f, from) {
    this.close();
    const d = this.doc;
    const v = d.createElement('div');
    v.className = 'viewer';
    v.setAttribute('part', 'viewer');
    v.setAttribute('role', 'dialog');
    v.setAttribute('aria-modal', 'true');
    v.setAttribute('aria-label', f.name);
    const img = d.createElement('img');
    img.alt = f.name;
    const x = d.createElement('button');
    x.type = 'button';
    x.className = 'viewer-close';
    x.textContent = '×';
    x.setAttribute('aria-label', this.options.labels().closeViewer);
    v.append(img, x);
    const done = () => {
      this.close();
      from.focus();
    };
    x.addEventListener('click', done);
    v.addEventListener('click', (e) => e.target === v && done());
    v.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') {
        e.stopPropagation(); // the viewer closes, not the widget's panel
        done();
      } else if (e.key === 'Tab') {
        e.preventDefault(); // the close button is the one stop
        x.focus();
      }
    });
    this._viewer = v;
    this.host.appendChild(v);
    x.focus();
    try {
      img.src = (await this.links(f.id)).url;
    } catch {
      v.classList.add('broken');
    }
  }

  /** Closes the viewer, if open. */
  close() {
    this._viewer?.remove();
    this._viewer = null;
  }
}
