// @ts-check
// Parley agent console: log in, see the queue and the site's conversations live (with the
// visitor's mood), open one (its whole transcript, the bot's answers as they stream), reply with
// typing indicators and read receipts, accept / transfer / resolve / hand back to the bot, labels,
// internal notes (the staff-only stream `conv:notes`, never the visitor's), and the site's canned
// responses (`/shortcut` in the composer). The agent's conversations and the queue are followed at
// once (desk.js: unread counts, typing, drafts, scroll) and listed (list.js); the open one is its
// Transcript (sdk/transcript.js) drawn by a TranscriptView, as in the widget. Unsent replies survive
// a reload (the SDK's stored outbox). All text is rendered as text, never as HTML.
import { ParleyClient, newCid, textLength } from '../sdk/parley.js';
import { Transcript } from '../sdk/transcript.js';
import { TranscriptView, showLength } from '../sdk/dom.js';
import { AttachmentRenderer } from '../sdk/attachments.js';
import { CannedMenu, SHORTCUT, loadCanned, saveCanned } from './canned.js';
import { Notifier } from './notify.js';
import { Desk } from './desk.js';
import { ConversationList, mood } from './list.js';
import { NotesPanel } from './notes.js';
import { composerEmoji, composerFiles } from './attach.js';

/** @typedef {import('../sdk/protocol.js').Conversation} Conversation */
/** @typedef {import('../sdk/transcript.js').TranscriptItem} TranscriptItem */

/**
 * An element by id.
 * @template {HTMLElement} [E=HTMLElement]
 * @param {string} id
 * @returns {E}
 */
const $ = (id) => /** @type {E} */ (document.getElementById(id));
const TOKEN_KEY = 'parley:console:token';
const STORAGE_KEY = `parley:console:${location.host}`;

/** @type {ParleyClient|null} */
let client = null;
/** @type {string|null} the logged-in agent */
let me = null;
/** @type {string|null} the open conversation id */
let current = null;
/** @type {Map<string, Conversation>} the latest agent view of each conversation */
const conversations = new Map();
let typingSentAt = 0;

/** How long after connecting conversation events are the current state, not news. */
const SETTLE_MS = 2000;
/** A visitor's message older than this is history, not news. */
const NEWS_MS = 30000;
const notifier = new Notifier();
/** @type {number} when the console connected (its first events are the current state) */
let connectedAt = 0;

/** The open conversation's transcript (the desk's), drawn by `view`. */
let transcript = new Transcript();
/** Draws attachments with the signed-in agent's links (sdk/attachments.js). */
const files = new AttachmentRenderer(document, document.body, {
  links: (id) => (client ? client.fileLinks(id) : Promise.reject(new Error('signed out'))),
  base: location.origin,
  labels: () => ({ closeViewer: 'Close image' }),
});
/** @param {Transcript} t @returns {TranscriptView} */
const viewOf = (t) => new TranscriptView($('log'), t, {
  kind: kindOf,
  who: (it) => (it.kind === 'system' ? null : it.from === 'bot' || it.kind === 'bot' ? 'Bot'
    : kindOf(it) === 'agent' ? (it.mine ? 'You' : it.from) : null),
  text: (it) => (it.status ? `${it.text} (${it.status})` : it.text),
  tickLabel: (tick) => tick,
  sourcesLabel: () => 'Sources',
  files,
});
let view = viewOf(transcript);
const desk = new Desk({ conversations, storage: sessionStorage, changed: (conv) => {
  list.render();
  if (conv === current) {
    showTyping();
    markRead();
  }
} });
const notesPanel = new NotesPanel({ client: () => client, me: () => me, flash });
const list = new ConversationList({ root: $('lists'), conversations, desk, me: () => me, current: () => current, open });

/** @param {TranscriptItem} it @returns {string} */
function kindOf(it) {
  if (it.kind === 'system') {
    return 'system';
  }
  if (it.kind === 'bot' || it.from === 'bot') {
    return 'bot';
  }
  const c = conversations.get(transcript.state.conv ?? '');
  return c && it.from === c.visitor ? 'visitor' : 'agent';
}

/** @param {string} [message] */
function showLogin(message) {
  $('app').hidden = true;
  $('login-view').hidden = false;
  $('login-error').textContent = message || '';
  sessionStorage.removeItem(TOKEN_KEY);
}

$('login').addEventListener('submit', (e) => {
  notifier.ask();
  e.preventDefault();
  const f = new FormData(/** @type {HTMLFormElement} */ (e.target));
  start({ login: { user: String(f.get('user')), password: String(f.get('password')) } });
});

$('logout').addEventListener('click', () => {
  const token = client?.token;
  client?.close();
  client = null;
  showLogin('');
  if (token) {
    // Revokes every token of this agent (docs/SECURITY.md#agent-tokens): a copy left in another
    // tab or a stolen one stops working too.
    fetch('/api/logout', { method: 'POST', headers: { Authorization: `Bearer ${token}` } }).catch(() => {});
  }
});

/** @param {{login?: {user: string, password: string}, token?: string}} credentials */
function start(credentials) {
  notesPanel.show(null);
  client?.close();
  $('login-error').textContent = '';
  conversations.clear();
  current = null;
  $('app').classList.remove('reading');
  $('detail').hidden = true;
  $('empty').hidden = false;
  const c = new ParleyClient({
    url: location.origin, ...credentials, storage: { storage: localStorage, key: STORAGE_KEY },
  });
  client = c;
  desk.attach(c);
  /** @type {any} */ (window).parleyConsole = { client: c, desk, get transcript() { return transcript; }, open, conversations }; // search.js
  c.on('error', (e) => {
    if (e.code === 'unauthorized') {
      showLogin(e.message);
    } else {
      flash(e.message);
    }
  });
  c.on('welcome', (w) => {
    if (w.role !== 'agent' && w.role !== 'admin') {
      c.close();
      showLogin('Your session ended; log in again.');
      return;
    }
    me = w.user;
    connectedAt = Date.now();
    notifier.forUser(w.user);
    notifier.bindSwitches();
    if (c.token) {
      sessionStorage.setItem(TOKEN_KEY, c.token);
    }
    $('me').textContent = `${w.user} (${w.role})`;
    $('login-view').hidden = true;
    $('app').hidden = false;
  });
  c.on('authed', (a) => {
    if (a.token) {
      sessionStorage.setItem(TOKEN_KEY, a.token); // the server's fresh token, for a reload
    }
  });
  c.on('state', (s) => {
    $('conn').textContent = s.state === 'connected' ? `connected (${c.transport})` : s.state + '…';
  });
  c.on('close', (e) => {
    if (e.code === 4401) {
      showLogin('Your login expired; log in again.');
    }
  });
  c.on('conversation', onConversation);
  c.on('message', (m) => {
    if (notesPanel.message(m)) {
      return;
    }
    const conv = conversations.get(m.conv);
    if (conv && m.from === conv.visitor && m.from !== me && (m.ts ?? 0) > Date.now() - NEWS_MS) {
      notifier.notify('message', `${conv.visitor}: ${m.text}`, m.conv);
    }
  });
  c.on('failed', (f) => flash(f.error.message));
  c.connect().catch((e) => {
    if (!$('login-error').textContent) {
      showLogin(e.message);
    }
  });
}

/** Shows a note in the status line for a few seconds. @param {string} text */
function flash(text) {
  const el = $('conn');
  const before = el.textContent;
  el.textContent = text;
  setTimeout(() => { el.textContent = before; }, 4000);
}

/** @param {Conversation} c */
function onConversation(c) {
  if (!c.visitor) {
    return; // not an agent's view
  }
  const before = conversations.get(c.conv);
  conversations.set(c.conv, { ...before, ...c });
  if (Date.now() - connectedAt > SETTLE_MS) {
    if (c.status === 'queued' && before?.status !== 'queued') {
      notifier.notify('queued', `${c.visitor} is waiting in the queue`, c.conv);
    } else if (c.status === 'assigned' && c.agentId === me && (before?.status !== 'assigned' || before?.agentId !== me)) {
      notifier.notify('assigned', `${c.visitor} was assigned to you`, c.conv);
    }
  }
  desk.sync(list.wanted(), current);
  list.render();
  if (c.conv === current) {
    renderHeader();
  }
}

/**
 * Opens a conversation: its whole transcript, the bot's part included, where the agent left it
 * (scroll position, unsent draft); the one left keeps its own.
 * @param {string} conv
 */
function open(conv) {
  if (!client) {
    return;
  }
  $('app').classList.add('reading'); // narrow screens: the transcript's pane
  if (conv === current) {
    textBox.focus();
    return;
  }
  tray.clear(); // files picked for the conversation left
  if (current) {
    const log = $('log');
    const left = desk.threads.get(current);
    if (left) {
      left.scroll = { top: log.scrollTop, bottom: log.scrollHeight - log.scrollTop - log.clientHeight < 40 };
    }
    desk.setDraft(current, textBox.value);
    desk.release(current);
  }
  current = conv;
  const thread = desk.thread(conv);
  transcript = thread.transcript;
  $('empty').hidden = true;
  $('detail').hidden = false;
  view.stop();
  $('log').replaceChildren();
  view = viewOf(transcript);
  if (thread.scroll && !thread.scroll.bottom) {
    $('log').scrollTop = thread.scroll.top;
  }
  textBox.value = desk.draft(conv);
  sendButton.disabled = !fits();
  showTyping();
  notesPanel.show(conv);
  renderHeader();
  list.renderNow();
  markRead();
  textBox.focus();
  window.dispatchEvent(new CustomEvent('parley:open', { detail: conv })); // console/visitor.js
}

/** Who types in the open conversation. */
function showTyping() {
  const users = desk.threads.get(current ?? '')?.typing ?? [];
  $('typing').textContent = users.length ? `${users.join(', ')} typing…` : '';
}

$('to-list').addEventListener('click', () => {
  $('app').classList.remove('reading');
  list.focus();
});

function renderHeader() {
  const c = conversations.get(current ?? '') ?? /** @type {Partial<Conversation>} */ ({});
  $('c-visitor').textContent = c.visitor || current || '';
  $('c-status').textContent = c.status === 'assigned' ? `assigned to ${c.agent}` : c.status || '';
  $('c-mood').textContent = mood(c.sentiment);
  const rating = $('c-rating');
  rating.hidden = !c.rating;
  rating.dataset.rating = c.rating ?? '';
  rating.textContent = c.rating
    ? `${c.rating === 'good' ? '👍 rated good' : '👎 rated bad'}${c.ratingComment ? `: “${c.ratingComment}”` : ''}`
    : '';
  $('c-labels').replaceChildren(...(c.labels ?? []).map((l) => {
    const chip = document.createElement('span');
    chip.className = 'label';
    chip.textContent = l;
    const x = document.createElement('button');
    x.type = 'button';
    x.textContent = '×';
    x.setAttribute('aria-label', `Remove label ${l}`);
    x.addEventListener('click', () => setLabels((c.labels ?? []).filter((k) => k !== l)));
    chip.append(x);
    return chip;
  }));
  const assignedToMe = c.status === 'assigned' && c.agentId === me;
  /** @type {HTMLButtonElement} */ ($('accept')).disabled = !(c.status === 'queued' || c.status === 'bot');
  /** @type {HTMLButtonElement} */ ($('transfer')).disabled = !assignedToMe;
  /** @type {HTMLButtonElement} */ ($('resolve')).disabled = !assignedToMe;
  /** @type {HTMLButtonElement} */ ($('back')).disabled = !assignedToMe;
  view.redraw(transcript.state); // the visitor is known now: who is who
}

/** Read receipts for what the agent sees: the open conversation, while the page is visible. */
function markRead() {
  const { conv, lastSeq, myRead } = transcript.state;
  if (client && current && conv === current && lastSeq > myRead && document.visibilityState === 'visible') {
    client.receipt(current, 'read', lastSeq);
    transcript.read(lastSeq);
  }
}
document.addEventListener('visibilitychange', markRead);

const textBox = /** @type {HTMLTextAreaElement} */ ($('text'));
const sendButton = /** @type {HTMLButtonElement} */ ($('send'));
const fits = () => showLength($('counter'), textLength(textBox.value.trim()), client?.options.maxTextCodePoints ?? 4000);
const tray = composerFiles(() => client, () => current, () => { sendButton.disabled = !fits(); });
composerEmoji();
textBox.addEventListener('input', () => {
  sendButton.disabled = !fits();
  if (current) {
    desk.setDraft(current, textBox.value);
  }
  if (client && current && Date.now() - typingSentAt > 2000) {
    typingSentAt = Date.now();
    client.typing(current, true);
  }
});
new CannedMenu(textBox, /** @type {HTMLUListElement} */ ($('canned-menu')), () => {
  const site = conversations.get(current ?? '')?.site;
  return site ? loadCanned(site, client?.token ?? null) : Promise.resolve([]);
}, (text) => {
  textBox.value = text;
  sendButton.disabled = !fits();
  textBox.focus();
});
textBox.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.shiftKey) {
    e.preventDefault();
    /** @type {HTMLFormElement} */ ($('compose')).requestSubmit();
  }
});
$('compose').addEventListener('submit', async (e) => {
  e.preventDefault();
  const text = textBox.value.trim();
  const to = current;
  if ((!text && !tray.count) || !to || !client || !fits()) {
    return;
  }
  textBox.value = '';
  desk.setDraft(to, '');
  fits();
  sendButton.disabled = false;
  typingSentAt = 0;
  client.typing(to, false);
  const attachments = await tray.take(); // the uploads finish first; refused ones stay shown
  if ((!text && !attachments.length) || !client) {
    return;
  }
  client.send(to, text, { cid: newCid(), attachments }).catch(() => {
    // the line is marked failed in the transcript, and the reason flashed
  });
});

$('accept').addEventListener('click', () => current && client?.accept(current));
$('resolve').addEventListener('click', () => current && client?.resolve(current));
$('back').addEventListener('click', () => current && client?.backToBot(current));
$('transfer').addEventListener('click', () => {
  const to = /** @type {HTMLInputElement} */ ($('transfer-to')).value.trim();
  if (to && current) {
    client?.transfer(current, to);
  }
});

$('save-canned').addEventListener('click', async () => {
  const text = textBox.value.trim();
  const site = conversations.get(current ?? '')?.site;
  if (!text || !site) {
    return;
  }
  const shortcut = (prompt(`Shortcut for this canned response of ${site} (a-z 0-9 -), typed as /shortcut:`) ?? '').trim();
  if (!shortcut) {
    return;
  }
  if (!SHORTCUT.test(shortcut)) {
    flash('A shortcut is 1-32 characters of a-z 0-9 -');
    return;
  }
  const refused = await saveCanned(site, client?.token ?? null, shortcut, text);
  flash(refused ?? `Saved as /${shortcut}`);
});

/** Sets the open conversation's labels (the server answers with its conversation event). @param {string[]} labels */
function setLabels(labels) {
  if (current && client) {
    client.label(current, [...new Set(labels)].sort());
  }
}
const labelBox = /** @type {HTMLInputElement} */ ($('label-add'));
labelBox.addEventListener('keydown', (e) => {
  if (e.key !== 'Enter') {
    return;
  }
  e.preventDefault();
  const l = labelBox.value.trim().toLowerCase();
  const now = conversations.get(current ?? '')?.labels ?? [];
  if (!/^[a-z0-9-]{1,32}$/.test(l)) {
    flash('A label is 1-32 characters of a-z 0-9 -');
  } else if (!now.includes(l) && now.length >= 10) {
    flash('A conversation has at most 10 labels');
  } else {
    labelBox.value = '';
    setLabels([...now, l]);
  }
});

/** For tests: the notifier, and whether the console's first events (the current state) are over. */
/** @type {any} */ (window).parleyNotifier = { notifier, live: () => connectedAt > 0 && Date.now() - connectedAt > SETTLE_MS };

const saved = sessionStorage.getItem(TOKEN_KEY);
if (saved) {
  start({ token: saved });
}
