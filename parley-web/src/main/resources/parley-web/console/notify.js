// @ts-check
// The console's notifications (issue 18): a short tone, a desktop notification (the Notification
// API, asked for once per browser) and a count in the tab's title, for a conversation newly in the
// queue, one assigned to the agent, and a visitor's message while the tab is hidden. Each of the
// three is switched on or off per agent (kept in this browser's localStorage under the agent's id).
//
// When: the tone plays for every event, hidden or not; the desktop notification and the title
// count only while the tab is hidden (a visible console shows the event itself). The title count
// clears when the tab is shown again.

/** @typedef {'queued'|'assigned'|'message'} NoticeKind */
/** @typedef {{sound: boolean, desktop: boolean, title: boolean}} NoticePrefs */

const ASKED_KEY = 'parley:console:notifications-asked';
/** @type {NoticePrefs} */
const DEFAULTS = { sound: true, desktop: true, title: true };

export class Notifier {
  /**
   * @param {{storage?: Storage, doc?: Document, win?: Window & typeof globalThis}} [o]
   */
  constructor(o = {}) {
    this.storage = o.storage ?? localStorage;
    this.doc = o.doc ?? document;
    this.win = o.win ?? window;
    /** @type {string|null} */
    this.user = null;
    /** @type {NoticePrefs} */
    this.prefs = { ...DEFAULTS };
    this.unseen = 0;
    this.baseTitle = this.doc.title;
    /** @type {AudioContext|null} */
    this.audio = null;
    /** What was notified, newest last (a test and a curious agent can read it). @type {{kind: NoticeKind, text: string}[]} */
    this.log = [];
    this.doc.addEventListener('visibilitychange', () => {
      if (this.doc.visibilityState === 'visible') {
        this.unseen = 0;
        this.doc.title = this.baseTitle;
      }
    });
  }

  /** Whose preferences apply: the agent who logged in. @param {string} user */
  forUser(user) {
    this.user = user;
    try {
      const saved = JSON.parse(this.storage.getItem(this.key()) ?? 'null');
      this.prefs = { ...DEFAULTS, ...(saved && typeof saved === 'object' ? saved : {}) };
    } catch {
      this.prefs = { ...DEFAULTS };
    }
  }

  /** Shows the preferences in the switches #notify-sound, #notify-desktop, #notify-title and follows them. */
  bindSwitches() {
    for (const name of /** @type {const} */ (['sound', 'desktop', 'title'])) {
      const box = /** @type {HTMLInputElement|null} */ (this.doc.getElementById(`notify-${name}`));
      if (box) {
        box.checked = this.prefs[name];
        box.onchange = () => this.set(name, box.checked);
      }
    }
  }

  /** Changes one preference and keeps it. @param {keyof NoticePrefs} name @param {boolean} on */
  set(name, on) {
    this.prefs = { ...this.prefs, [name]: on };
    this.storage.setItem(this.key(), JSON.stringify(this.prefs));
    if (name === 'desktop' && on) {
      this.ask(true);
    }
  }

  /** @returns {string} */
  key() {
    return `parley:console:notifications:${this.user ?? ''}`;
  }

  /**
   * From a user gesture (the login, a switch): unlocks the tone and asks for the desktop permission,
   * once per browser unless `again` (the agent switched desktop notifications on).
   * @param {boolean} [again]
   */
  ask(again = false) {
    const AC = this.win.AudioContext;
    if (!this.audio && AC) {
      try {
        this.audio = new AC();
      } catch {
        this.audio = null;
      }
    }
    const N = this.win.Notification;
    if (!N || N.permission !== 'default' || (!again && this.storage.getItem(ASKED_KEY))) {
      return;
    }
    this.storage.setItem(ASKED_KEY, '1');
    N.requestPermission().catch(() => {});
  }

  /** Something happened. @param {NoticeKind} kind @param {string} text @param {string} conv */
  notify(kind, text, conv) {
    const hidden = this.doc.visibilityState === 'hidden';
    if (kind === 'message' && !hidden) {
      return; // a visible console shows the message itself
    }
    this.log.push({ kind, text });
    if (this.prefs.sound) {
      this.tone(kind === 'message' ? 660 : 880);
    }
    if (!hidden) {
      return;
    }
    if (this.prefs.title) {
      this.unseen++;
      this.doc.title = `(${this.unseen}) ${this.baseTitle}`;
    }
    const N = this.win.Notification;
    if (this.prefs.desktop && N && N.permission === 'granted') {
      try {
        const n = new N('Parley', { body: text, tag: `parley-${kind}-${conv}` });
        n.onclick = () => {
          this.win.focus();
          n.close();
        };
      } catch {
        // a browser that only notifies from a service worker: the tone and the title still say it
      }
    }
  }

  /** A 150 ms tone at `hz`. @param {number} hz */
  tone(hz) {
    const a = this.audio;
    if (!a) {
      return;
    }
    try {
      const osc = a.createOscillator();
      const gain = a.createGain();
      osc.frequency.value = hz;
      gain.gain.setValueAtTime(0.15, a.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.001, a.currentTime + 0.15);
      osc.connect(gain).connect(a.destination);
      osc.start();
      osc.stop(a.currentTime + 0.16);
    } catch {
      // no audio output: nothing to play on
    }
  }
}
