// @ts-check
// Spoken answers (docs/CLIENTS.md#spoken-answers): when the site says so (its appearance's
// `spokenAnswers`), a "Read aloud" button on each of the bot's stored answers, and the answer read
// at once when the visitor asked by voice (its own last message, sent from this page, was a voice
// note). `browser`: the browser's speech synthesis, in the conversation's language; `server`: the
// server's audio of the answer (GET /api/conversations/{conv}/messages/{seq}/speech with the
// visitor's token) played in one <audio> element. One answer is read at a time: its button (now
// "Stop reading") or another answer's stops it. Call on the page's event loop.

/** @typedef {import('../sdk/transcript.js').TranscriptItem} TranscriptItem */
/** @typedef {import('../sdk/transcript.js').TranscriptState} TranscriptState */
/** @typedef {'browser'|'server'} Mode */

/**
 * What the speaker uses of the page, given so a test can stand in for it.
 * @typedef {object} SpeakerOptions
 * @property {() => Mode|null} mode the site's `spokenAnswers` (null: off)
 * @property {() => string} lang the conversation's language tag
 * @property {() => {readAloud: string, stopReading: string}} words
 * @property {(seq: number) => Promise<Blob>} fetchSpeech the server's audio of answer `seq`
 * @property {Pick<SpeechSynthesis, 'speak'|'cancel'>|null} synthesis null where there is none
 * @property {(text: string) => SpeechSynthesisUtterance} utterance
 * @property {() => HTMLAudioElement} audio makes the one player
 * @property {{createObjectURL: (b: Blob) => string, revokeObjectURL: (u: string) => void}} urls
 */

const FENCED = /```[\s\S]*?(```|$)/g;
const LINK = /!?\[([^\]]*)\]\([^)]*\)/g;
const CITATION = /\s?(\[\^?\d{1,3}\]|【\d{1,3}[^】]*】)/g;
const URL_TEXT = /\bhttps?:\/\/\S+/g;
const LINE_MARK = /^[ \t]*(#{1,6}[ \t]+|>[ \t]?|[-*+][ \t]+|\d{1,3}[.)][ \t]+)/gm;
const EMPHASIS = /(\*{1,3}|_{2,3}|~~|`)/g;
const UNDERSCORED = /(?<!\w)_([^_\s](?:[^_]*[^_\s])?)_(?!\w)/g;

/**
 * The words of an answer to be read: without the marks that are for the eye (code, emphasis,
 * headings, bullets, link targets, web addresses, citation markers), as the server reads them.
 * @param {string} text @returns {string}
 */
export function spokenText(text) {
  return text.replace(FENCED, ' ').replace(LINK, '$1').replace(CITATION, '').replace(URL_TEXT, '')
    .replace(LINE_MARK, '').replace(EMPHASIS, '').replace(UNDERSCORED, '$1').replace(/\s+/g, ' ').trim();
}

/** Whether a message carries a voice note. @param {TranscriptItem} it */
const hasVoice = (it) => it.attachments.some((a) => /^audio\//.test(a.type));

export class AnswerSpeaker {
  /** @param {Document} doc @param {SpeakerOptions} o */
  constructor(doc, o) {
    this.doc = doc;
    this.o = o;
    /** @type {string|null} the key of the answer being read */
    this.playing = null;
    /** @type {Map<string, HTMLButtonElement>} each answer's button, by item key */
    this._buttons = new Map();
    /** @type {HTMLAudioElement|null} */
    this._audio = null;
    /** @type {string|null} the object URL the player plays */
    this._url = null;
    /** @type {Set<string>} my sends seen pending here: a live ask, not a replay */
    this._sent = new Set();
    /** @type {number|null} the seq of my voice note whose answer is to be read, if any */
    this._askedByVoice = null;
  }

  /** Whether answers can be read now: the site's mode, and in `browser` mode a synthesis. */
  get on() {
    const m = this.o.mode();
    return m === 'server' || (m === 'browser' && this.o.synthesis !== null);
  }

  /**
   * The button on a drawn bubble (sdk/dom.js calls this after each fill): present on the bot's
   * stored answers while answers can be read, gone otherwise.
   * @param {HTMLElement} el @param {TranscriptItem} item
   */
  decorate(el, item) {
    let button = /** @type {HTMLButtonElement|null} */ (el.querySelector('.speak'));
    if (!this.on || item.kind !== 'bot' || item.seq === null || item.streaming) {
      button?.remove();
      this._buttons.delete(item.key);
      return;
    }
    if (!button) {
      button = this.doc.createElement('button');
      button.type = 'button';
      button.className = 'speak';
      button.setAttribute('part', 'speak');
      el.append(button);
    }
    const b = button;
    b.onclick = () => this.toggle(item);
    this._buttons.set(item.key, b);
    this._label(item.key);
  }

  /** Reads `item`, or stops it if it is being read. @param {TranscriptItem} item */
  toggle(item) {
    if (this.playing === item.key) {
      this.stop();
    } else {
      this.read(item);
    }
  }

  /** Reads `item` aloud (stopping whatever is read). @param {TranscriptItem} item */
  read(item) {
    this.stop();
    if (!this.on || item.seq === null) {
      return;
    }
    const key = item.key;
    this.playing = key;
    this._label(key);
    const done = () => this._ended(key);
    if (this.o.mode() === 'browser' && this.o.synthesis) {
      const u = this.o.utterance(spokenText(item.text));
      u.lang = this.o.lang();
      u.onend = done;
      u.onerror = done;
      this.o.synthesis.speak(u);
      return;
    }
    this.o.fetchSpeech(item.seq).then((blob) => {
      if (this.playing !== key) {
        return; // stopped while it was fetched
      }
      const audio = this._player();
      this._url = this.o.urls.createObjectURL(blob);
      audio.src = this._url;
      audio.onended = done;
      audio.onerror = done;
      return audio.play();
    }).catch(done);
  }

  /** Stops reading. */
  stop() {
    const was = this.playing;
    this.playing = null;
    this.o.synthesis?.cancel();
    if (this._audio) {
      this._audio.pause();
      this._audio.removeAttribute('src');
    }
    if (this._url) {
      this.o.urls.revokeObjectURL(this._url);
      this._url = null;
    }
    if (was) {
      this._label(was);
    }
  }

  /**
   * Follows the transcript: reads the bot's next stored answer at once when the visitor's own last
   * message, sent from this page, was a voice note (a replay after a reload reads nothing).
   * @param {{on: (type: 'change', fn: (c: {old: TranscriptState, state: TranscriptState}) => void) => () => void}} transcript
   * @returns {() => void} stops following
   */
  follow(transcript) {
    return transcript.on('change', ({ state }) => this._heard(state));
  }

  /** @param {TranscriptState} state */
  _heard(state) {
    for (const it of state.items) {
      if (!it.mine) {
        if (this._askedByVoice !== null && it.kind === 'bot' && it.seq !== null && !it.streaming && it.seq > this._askedByVoice) {
          this._askedByVoice = null;
          this.read(it);
        }
        continue;
      }
      if (it.tick === 'pending') {
        this._sent.add(it.key);
      } else if (it.seq !== null && this._sent.has(it.key) && (hasVoice(it) || it.text)) {
        // acked and echoed: a voice note asks for the answer aloud, a text does not
        this._sent.delete(it.key);
        this._askedByVoice = hasVoice(it) && this.on ? it.seq : null;
      }
    }
  }

  /** @param {string} key */
  _ended(key) {
    if (this.playing === key) {
      this.stop();
    }
  }

  /** @returns {HTMLAudioElement} */
  _player() {
    if (!this._audio) {
      this._audio = this.o.audio();
    }
    return this._audio;
  }

  /** @param {string} key */
  _label(key) {
    const b = this._buttons.get(key);
    if (!b) {
      return;
    }
    const w = this.o.words();
    const on = this.playing === key;
    b.setAttribute('aria-label', on ? w.stopReading : w.readAloud);
    b.setAttribute('aria-pressed', String(on));
    b.title = on ? w.stopReading : w.readAloud;
    b.textContent = on ? '■' : '🔊';
  }
}

/**
 * The options of the widget on a real page: the browser's speech synthesis where it has one, the
 * server's audio fetched with the visitor's token (never a cookie), one detached <audio> player.
 * @param {URL} base the Parley server
 * @param {{token: string|null}} client
 * @param {() => string|null} conv the conversation shown
 * @param {() => Mode|null} mode
 * @param {() => {lang: string, readAloud: string, stopReading: string}} strings the widget's words
 * @returns {SpeakerOptions}
 */
export function speakerOptions(base, client, conv, mode, strings) {
  const synthesis = typeof speechSynthesis === 'undefined' ? null : speechSynthesis;
  return {
    mode,
    lang: () => strings().lang,
    words: strings,
    fetchSpeech: async (seq) => {
      const c = conv();
      if (!c || !client.token) {
        throw new Error('no conversation yet');
      }
      const u = new URL(`/api/conversations/${encodeURIComponent(c)}/messages/${seq}/speech`, base);
      u.searchParams.set('lang', strings().lang);
      const res = await fetch(u, { headers: { Authorization: `Bearer ${client.token}` }, credentials: 'omit' });
      if (!res.ok) {
        throw new Error(`speech: HTTP ${res.status}`);
      }
      return res.blob();
    },
    synthesis,
    utterance: (text) => new SpeechSynthesisUtterance(text),
    audio: () => document.createElement('audio'),
    urls: URL,
  };
}
