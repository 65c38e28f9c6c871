// @ts-check
// The Parley chat widget, started by /widget.js (the one tag a site embeds): the launcher and the
// panel (widget/panel.js, styled by widget/widget.css), one ParleyClient for the visitor, and the
// conversation drawn from a Transcript (sdk/transcript.js). The visitor's token, conversation and
// unsent messages are kept in localStorage per Parley host and site, so a reload continues the same
// conversation and sends what was typed offline. Message text is always rendered as text.

import { ParleyClient, newCid, textLength } from '../sdk/parley.js';
import { Transcript } from '../sdk/transcript.js';
import { TranscriptView, TypingIndicators, showLength } from '../sdk/dom.js';
import { AttachmentRenderer } from '../sdk/attachments.js';
import { applyStrings, createPanel } from './panel.js';
import { pickLanguage, stringsFor } from './strings.js';
import { applyAppearance, fetchAppearance } from './appearance.js';
import { attachVisitorInfo } from './prechat.js';
import { attachControls } from './attach.js';
import { attachVoice } from './voice.js';
import { AnswerSpeaker, speakerOptions } from './speaker.js';

/** @typedef {import('../sdk/protocol.js').Conversation} Conversation */
/** @typedef {import('../sdk/client-types.js').TransportName} TransportName */
/** @typedef {import('../sdk/transcript.js').TranscriptItem} TranscriptItem */
/** @typedef {import('./appearance.js').Appearance} Appearance */

/**
 * What the embedding tag says (its data-* attributes).
 * @typedef {object} WidgetConfig
 * @property {string} base the URL of widget.js: the Parley server
 * @property {string} [site] data-site (default `demo`)
 * @property {string} [lang] data-lang (default: the browser's; the site's language wins)
 * @property {string} [title] data-title
 * @property {boolean} [open] data-open="true": start open
 * @property {string} [transports] data-transports, e.g. "sse,longpoll"
 * @property {Appearance} [appearance] the look to start with instead of the site's from the server
 *   (the admin page's preview)
 * @property {HTMLElement} [container] where the widget goes instead of the page's body (the preview)
 */

/**
 * The mounted widget, for the host page (and tests) and the admin page's preview.
 * @typedef {object} Widget
 * @property {ParleyClient} client
 * @property {Transcript} transcript
 * @property {() => void} open opens the panel
 * @property {(a: Appearance|null) => void} restyle applies another look at once
 * @property {() => void} destroy disconnects and removes the widget from the page
 */

/** A language tag as the server takes it in `hello.lang`. */
const LANGUAGE_TAG = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}$/;

/** @typedef {Pick<Storage, 'getItem'|'setItem'|'removeItem'>} StorageLike */

/**
 * The page's localStorage, or (where it is forbidden: a sandboxed frame, storage turned off) a
 * map that lasts as long as the page.
 * @returns {StorageLike}
 */
function pageStorage() {
  try {
    const s = window.localStorage;
    s.getItem('parley:probe');
    return s;
  } catch {
    const m = new Map();
    return {
      getItem: (k) => m.get(k) ?? null,
      setItem: (k, v) => { m.set(k, String(v)); },
      removeItem: (k) => { m.delete(k); },
    };
  }
}

/** @param {StorageLike} s @param {string} k @returns {string|null} */
function read(s, k) {
  try {
    return s.getItem(k);
  } catch {
    return null;
  }
}

/** @param {StorageLike} s @param {string} k @param {string} v */
function write(s, k, v) {
  try {
    s.setItem(k, v);
  } catch {
    // storage full or forbidden: the widget works, a reload starts afresh
  }
}

/**
 * Mounts the widget on the page. Call once per page (the preview: once per site shown), on the
 * page's event loop.
 * @param {WidgetConfig} cfg
 * @returns {Widget}
 */
export function mount(cfg) {
  const base = new URL(cfg.base);
  const site = cfg.site || 'demo';
  // The language: the site's (from its appearance, once known) > data-lang > the browser's
  // languages > English. hello.lang carries the tag itself (the server greets per tag and says its
  // own texts in that language; a site language wins there too).
  const browser = [...(navigator.languages ?? []), navigator.language];
  const lang = cfg.lang || navigator.language || 'en';
  /** @param {string} [siteLang] */
  const wordsFor = (siteLang) => stringsFor(pickLanguage([siteLang, cfg.lang, ...browser]));
  let t = wordsFor(cfg.appearance?.lang);
  const look = cfg.appearance ? Promise.resolve(cfg.appearance) : fetchAppearance(base, site);
  const ui = createPanel(new URL('widget/widget.css', base).href, t, cfg.title, look, cfg.container);
  /** @param {Appearance|null} a */
  const restyle = (a) => {
    const words = wordsFor(a?.lang);
    if (words.lang !== t.lang) {
      t = words;
      applyStrings(ui, t, cfg.title);
      files.relabel();
      voice.relabel();
      showUnread();
      visitorInfo?.refresh();
      view.redraw(transcript.state);
    }
    applyAppearance(ui, a, { base, lang: a?.lang || lang, title: cfg.title, defaultTitle: t.title });
    names.bot = a?.botName || t.bot;
    voice.configure(a?.voice);
    spokenMode = a?.spokenAnswers ?? null;
    view.redraw(transcript.state); // the read-aloud buttons follow the mode
  };
  const key = `parley:${base.host}:${site}`;
  const store = pageStorage();
  const client = new ParleyClient({
    url: base.origin,
    site,
    lang: LANGUAGE_TAG.test(lang) ? lang : undefined,
    token: read(store, `${key}:token`) ?? undefined,
    transports: cfg.transports ? /** @type {TransportName[]} */ (cfg.transports.split(',').map((s) => s.trim())) : undefined,
    storage: { storage: store, key },
  });
  /** @type {{user?: string, conv?: string}|null} the visitor's conversation, as last known */
  let known = null;
  try {
    known = JSON.parse(read(store, `${key}:conv`) ?? 'null');
  } catch {
    // damaged: the conversation event will tell
  }
  /** @type {string|null} the conversation shown; before the server names it, the stored one, so
   *  that a visitor who reloads while offline can keep typing */
  let conv = typeof known?.conv === 'string' ? known.conv : null;
  /** @type {string|null} */
  let me = null;
  /** @type {string|null} */
  let agentName = null;
  /** @type {Record<string, string>} display names by user id */
  const names = { bot: t.bot };
  let readSent = 0;
  let deliveredSent = 0;
  /** @type {ReturnType<typeof setTimeout>|null} a delivered receipt about to go out */
  let deliveredTimer = null;
  let typingSentAt = 0;

  const transcript = new Transcript({ conv });
  let spokenMode = /** @type {'browser'|'server'|null} */ (null); // the site's spoken answers
  const speaker = new AnswerSpeaker(document, speakerOptions(base, client, () => conv, () => spokenMode, () => t));
  /** @param {string} user @returns {string|null} */
  const whoIs = (user) => (user === 'bot' ? names.bot : names[user] || agentName || null);
  const view = new TranscriptView(ui.log, transcript, {
    kind: (it) => (it.kind === 'system' ? 'system' : it.mine ? 'mine' : 'theirs'),
    who: (it) => (it.kind === 'system' || it.mine ? null : whoIs(it.from)),
    tickLabel: (tick) => t[tick],
    sourcesLabel: () => t.sources,
    files: new AttachmentRenderer(document, ui.log.getRootNode(), {
      links: (id) => client.fileLinks(id), base: base.origin, labels: () => ({ closeViewer: t.closeImage }),
    }),
    part: 'message',
    lang: () => t.lang,
    decorate: (el, it) => speaker.decorate(el, it),
  });
  transcript.follow(client);
  speaker.follow(transcript);
  const typing = new TypingIndicators((users) => {
    ui.typing.textContent = users.length ? t.typing(users.map((u) => whoIs(u) || '…').join(', ')) : '';
  });

  const isOpen = () => !ui.panel.hidden;

  /** The badge and the launcher's accessible name say how many messages are unread. */
  function showUnread() {
    const n = isOpen() ? 0 : transcript.state.unread;
    ui.badge.hidden = n === 0;
    ui.badge.textContent = String(n);
    ui.launcher.setAttribute('aria-label', isOpen() ? t.close : n ? `${t.open}, ${t.unread(n)}` : t.open);
  }

  /** @param {boolean} open */
  function setOpen(open) {
    ui.panel.hidden = !open;
    ui.launcher.setAttribute('aria-expanded', String(open));
    if (open) {
      ui.input.focus();
      ui.log.scrollTop = ui.log.scrollHeight;
      markRead();
    } else {
      voice.cancel(); // a recording does not go on behind a closed panel
      ui.launcher.focus();
    }
    showUnread();
  }

  /** Tells the others (and my other tabs) what the visitor has seen: only while open and visible. */
  function markRead() {
    const last = transcript.state.lastSeq;
    if (conv && isOpen() && document.visibilityState === 'visible' && last > readSent && client.state === 'connected') {
      readSent = last;
      client.receipt(conv, 'read', last);
      transcript.read(last);
    }
  }

  /** Whether the visitor asked for the transcript and waits for the answer. */
  let transcriptAsked = false;

  /** @param {string|null} text */
  function showMailNote(text) {
    ui.mailNote.hidden = !text;
    ui.mailNote.textContent = text || '';
  }

  /** @param {string|null} text */
  function showStatus(text) {
    ui.status.hidden = !text;
    ui.status.textContent = text || '';
  }

  /**
   * After a resolved conversation: the rating question, or the thanks once it is rated (the
   * server's `conversation` event with `rating` is the answer). Hidden in any other status.
   * @param {Conversation} c
   */
  function showRating(c) {
    const resolved = c.status === 'resolved';
    ui.rating.hidden = !resolved || Boolean(c.rating);
    ui.ratingThanks.hidden = !resolved || !c.rating;
  }

  /** @param {Conversation} c */
  function onConversation(c) {
    if (c.conv !== conv) {
      if (conv) {
        files.tray.clear(); // uploaded to the last conversation (none before the first: files wait for it)
      }
      conv = c.conv;
      readSent = 0;
      deliveredSent = 0;
      transcript.setConv(conv);
      if (me) {
        write(store, `${key}:conv`, JSON.stringify({ user: me, conv }));
      }
    }
    if (c.agent) {
      agentName = c.agent;
      ui.agent.textContent = c.agent;
      if (c.agentId) {
        names[c.agentId] = c.agent;
      }
      view.redraw(transcript.state);
    }
    ui.human.hidden = c.status !== 'bot';
    showRating(c);
    if (c.status === 'queued' && c.position) {
      showStatus(t.queued(c.position, c.waitSeconds ? Math.max(1, Math.round(c.waitSeconds / 60)) : 0));
    } else if (client.state === 'connected') {
      showStatus(null);
    }
  }

  transcript.on('change', ({ old, state }) => {
    if (state.unread !== old.unread || state.lastSeq !== old.lastSeq) {
      showUnread();
      markRead();
    }
    ui.stop.hidden = !state.streaming;
    if (state.streaming && !old.streaming) {
      typing.set('bot', false);
    }
  });
  client.on('welcome', (w) => {
    me = w.user;
    if (known?.user && known.user !== me) {
      conv = null; // the stored conversation was another visitor's (a new identity): wait for ours
      transcript.reset(null);
      files.tray.clear();
    }
    known = null;
    if (client.token) {
      write(store, `${key}:token`, client.token); // the same visitor after a reload
    }
    if (conv) {
      write(store, `${key}:conv`, JSON.stringify({ user: me, conv }));
    }
    markRead();
  });
  client.on('state', (s) => {
    ui.host.dataset.state = s.state;
    ui.host.dataset.transport = client.transport || '';
    /** @type {Record<string, string>} */
    const words = { reconnecting: t.reconnecting, connecting: t.connecting, closed: t.offline };
    showStatus(words[s.state] ?? null);
  });
  client.on('conversation', onConversation);
  /** Away mail: the offer while nobody can answer, the transcript button once an address is on file. */
  client.on('mail', (m) => {
    if (conv && m.conv !== conv) {
      return;
    }
    ui.mail.hidden = !m.away || m.emailOnFile;
    ui.mailOnFile.hidden = !m.emailOnFile;
    ui.transcript.hidden = !m.emailOnFile;
    if (transcriptAsked) {
      transcriptAsked = false;
      showMailNote(t.mailTranscriptSent);
    } else {
      showMailNote(null);
    }
  });
  const visitorInfo = attachVisitorInfo(client, ui, look, () => t);
  client.on('error', (e) => {
    if (e.field === 'email' && !e.ref?.startsWith('prechat-')) {
      showMailNote(t.mailInvalid);
    } else if (e.code === 'rate_limited' && transcriptAsked) {
      transcriptAsked = false;
      showMailNote(t.mailLimited);
    }
  });
  client.on('message', (m) => {
    if (m.conv === conv && !deliveredTimer) {
      // one cumulative receipt for a burst (a replay after a reload is many messages)
      deliveredTimer = setTimeout(() => {
        deliveredTimer = null;
        const last = transcript.state.lastSeq;
        if (conv && last > deliveredSent && client.state === 'connected') {
          deliveredSent = last;
          client.receipt(conv, 'delivered', last);
        }
      }, 100);
    }
  });
  client.on('typing', (e) => e.user !== me && e.conv === conv && typing.set(e.user, e.on, e.ttlMs));
  document.addEventListener('visibilitychange', markRead);

  ui.launcher.addEventListener('click', () => setOpen(!isOpen()));
  ui.close.addEventListener('click', () => setOpen(false));
  ui.panel.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      setOpen(false);
    }
  });
  const max = client.options.maxTextCodePoints;
  const fits = () => showLength(ui.counter, textLength(ui.input.value.trim()), max);
  const files = attachControls(client, ui, () => conv, () => t, () => { ui.send.disabled = !fits(); });
  const voice = attachVoice(ui, files.tray, () => t);
  ui.input.addEventListener('input', () => {
    ui.send.disabled = !fits();
    if (conv && Date.now() - typingSentAt > 2000 && ui.input.value.trim()) {
      typingSentAt = Date.now();
      client.typing(conv, true);
    }
  });
  ui.input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      ui.form.requestSubmit();
    }
  });
  ui.form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const text = ui.input.value.trim();
    const to = conv;
    if ((!text && !files.tray.count) || !to) {
      return;
    }
    if (!fits()) {
      showStatus(t.tooLong(max));
      return;
    }
    ui.input.value = '';
    fits();
    ui.send.disabled = false;
    typingSentAt = 0;
    client.typing(to, false);
    const attachments = await files.tray.take(); // the uploads finish first; refused ones stay shown
    if (!text && !attachments.length) {
      return;
    }
    client.send(to, text, { cid: newCid(), attachments }).catch(() => {
      // shown in the transcript: the line is marked failed, with the reason as its title
    });
  });
  ui.human.addEventListener('click', () => conv && client.handoff(conv));
  ui.mail.addEventListener('submit', (e) => {
    e.preventDefault();
    const email = ui.mailEmail.value.trim();
    if (conv && email) {
      client.contact(conv, email);
    }
  });
  ui.transcript.addEventListener('click', () => {
    if (conv) {
      transcriptAsked = true;
      client.transcript(conv);
    }
  });
  ui.rating.addEventListener('submit', (e) => {
    e.preventDefault();
    const button = /** @type {SubmitEvent} */ (e).submitter;
    const value = button === ui.rateBad ? 'bad' : 'good';
    if (conv) {
      client.rate(conv, value, ui.ratingComment.value.trim() || undefined);
    }
  });
  ui.stop.addEventListener('click', () => {
    const answer = transcript.state.streaming;
    if (conv && answer) {
      client.stop(conv, answer);
    }
  });

  look.then(restyle);
  /** @type {Widget} */
  const widget = {
    client,
    transcript,
    open: () => setOpen(true),
    restyle,
    destroy: () => {
      document.removeEventListener('visibilitychange', markRead);
      voice.cancel();
      speaker.stop();
      client.close();
      ui.host.remove();
    },
  };
  /** For the host page (and tests). */
  /** @type {any} */ (window).parleyWidget = widget;
  client.connect().catch(() => showStatus(t.offline));
  showUnread();
  if (cfg.open) {
    setOpen(true);
  }
  return widget;
}
