// @ts-check
// Parley agent console: log in, see the queue and the site's conversations live (with the
// visitor's mood), open one (its whole transcript, the bot's answers as they stream), reply with
// typing indicators and read receipts, accept / transfer / resolve / hand back to the bot, and
// canned replies. The open conversation is a Transcript (sdk/transcript.js) drawn by a
// TranscriptView, as in the widget. Unsent replies survive a reload (the SDK's stored outbox).
// All text is rendered as text, never as HTML.
import { ParleyClient, newCid, textLength } from '../sdk/parley.js';
import { Transcript } from '../sdk/transcript.js';
import { TranscriptView, TypingIndicators, showLength } from '../sdk/dom.js';
import { canned, renderCanned, saveCanned } from './canned.js';
import { Notifier } from './notify.js';

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
let readSent = 0;
let typingSentAt = 0;
/** @type {(() => void)|null} stops the transcript following the client */
let unfollow = null;

/** How long after connecting conversation events are the current state, not news. */
const SETTLE_MS = 2000;
/** A visitor's message older than this is history, not news. */
const NEWS_MS = 30000;
const notifier = new Notifier();
/** @type {number} when the console connected (its first events are the current state) */
let connectedAt = 0;

const transcript = new Transcript();
const view = new TranscriptView($('log'), transcript, {
  kind: kindOf,
  who: (it) => (it.kind === 'system' ? null : it.from === 'bot' || it.kind === 'bot' ? 'Bot'
    : kindOf(it) === 'agent' ? (it.mine ? 'You' : it.from) : null),
  text: (it) => (it.status ? `${it.text} (${it.status})` : it.text),
  tickLabel: (tick) => tick,
});
const typing = new TypingIndicators((users) => {
  $('typing').textContent = users.length ? `${users.join(', ')} typing…` : '';
});

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
  client?.close();
  unfollow?.();
  $('login-error').textContent = '';
  conversations.clear();
  const c = new ParleyClient({
    url: location.origin, ...credentials, storage: { storage: localStorage, key: STORAGE_KEY },
  });
  client = c;
  /** @type {any} */ (window).parleyConsole = { client: c, transcript };
  unfollow = transcript.follow(c);
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
    showNoticePrefs();
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
    const conv = conversations.get(m.conv);
    if (conv && m.from === conv.visitor && m.from !== me && (m.ts ?? 0) > Date.now() - NEWS_MS) {
      notifier.notify('message', `${conv.visitor}: ${m.text}`, m.conv);
    }
  });
  c.on('typing', (t) => t.conv === current && t.user !== me && typing.set(t.user, t.on, t.ttlMs));
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

/** @param {number|undefined} s @returns {string} */
function mood(s) {
  if (s == null) {
    return '';
  }
  return s <= -0.3 ? '🙁' : s >= 0.3 ? '🙂' : '😐';
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
  renderLists();
  if (c.conv === current) {
    renderHeader();
  }
}

function renderLists() {
  /** @type {Record<string, Conversation[]>} */
  const groups = { queue: [], mine: [], bot: [], others: [] };
  for (const c of conversations.values()) {
    if (c.status === 'queued') {
      groups.queue.push(c);
    } else if (c.status === 'assigned' && c.agentId === me) {
      groups.mine.push(c);
    } else if (c.status === 'bot') {
      groups.bot.push(c);
    } else if (c.status === 'assigned') {
      groups.others.push(c);
    }
  }
  groups.queue.sort((a, b) => (a.position ?? 0) - (b.position ?? 0));
  for (const [name, list] of Object.entries(groups)) {
    $(name).replaceChildren(...list.map(item));
  }
  $('queue-count').textContent = groups.queue.length ? String(groups.queue.length) : '';
}

/** @param {Conversation} c @returns {HTMLLIElement} */
function item(c) {
  const li = document.createElement('li');
  li.tabIndex = 0;
  li.dataset.conv = c.conv;
  li.setAttribute('aria-current', String(c.conv === current));
  const left = document.createElement('span');
  left.textContent = c.visitor ?? c.conv;
  const sub = document.createElement('span');
  sub.className = 'sub';
  sub.textContent = [c.status === 'queued' && c.position ? `#${c.position}` : null, c.status === 'assigned' ? c.agent : null,
    mood(c.sentiment)].filter(Boolean).join(' ');
  sub.title = c.sentiment != null ? `mood ${c.sentiment.toFixed(2)}` : '';
  li.append(left, sub);
  li.addEventListener('click', () => open(c.conv));
  li.addEventListener('keydown', (e) => e.key === 'Enter' && open(c.conv));
  return li;
}

/** Opens a conversation: its whole transcript, the bot's part included. @param {string} conv */
function open(conv) {
  if (!client) {
    return;
  }
  if (current && current !== conv) {
    client.leave(current);
  }
  current = conv;
  readSent = 0;
  transcript.reset(conv);
  $('typing').textContent = '';
  $('empty').hidden = true;
  $('detail').hidden = false;
  client.join(conv, 0);
  renderHeader();
  renderLists();
  $('text').focus();
}

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
  const assignedToMe = c.status === 'assigned' && c.agentId === me;
  /** @type {HTMLButtonElement} */ ($('accept')).disabled = !(c.status === 'queued' || c.status === 'bot');
  /** @type {HTMLButtonElement} */ ($('transfer')).disabled = !assignedToMe;
  /** @type {HTMLButtonElement} */ ($('resolve')).disabled = !assignedToMe;
  /** @type {HTMLButtonElement} */ ($('back')).disabled = !assignedToMe;
  view.redraw(transcript.state); // the visitor is known now: who is who
}

/** Read receipts for what the agent sees: the open conversation, while the page is visible. */
function markRead() {
  const last = transcript.state.lastSeq;
  if (client && current && last > readSent && document.visibilityState === 'visible') {
    readSent = last;
    client.receipt(current, 'read', last);
    transcript.read(last);
  }
}
transcript.on('change', ({ old, state }) => {
  if (state.lastSeq !== old.lastSeq) {
    markRead();
  }
});
document.addEventListener('visibilitychange', markRead);

const textBox = /** @type {HTMLTextAreaElement} */ ($('text'));
const sendButton = /** @type {HTMLButtonElement} */ ($('send'));
const fits = () => showLength($('counter'), textLength(textBox.value.trim()), client?.options.maxTextCodePoints ?? 4000);
textBox.addEventListener('input', () => {
  sendButton.disabled = !fits();
  if (client && current && Date.now() - typingSentAt > 2000) {
    typingSentAt = Date.now();
    client.typing(current, true);
  }
});
textBox.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.shiftKey) {
    e.preventDefault();
    /** @type {HTMLFormElement} */ ($('compose')).requestSubmit();
  }
});
$('compose').addEventListener('submit', (e) => {
  e.preventDefault();
  const text = textBox.value.trim();
  if (!text || !current || !client || !fits()) {
    return;
  }
  textBox.value = '';
  fits();
  sendButton.disabled = false;
  typingSentAt = 0;
  client.typing(current, false);
  client.send(current, text, { cid: newCid() }).catch(() => {
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

/** @param {string} text */
const useCanned = (text) => {
  textBox.value = text;
  fits();
  textBox.focus();
};
$('save-canned').addEventListener('click', () => {
  const text = textBox.value.trim();
  if (text && !canned().includes(text)) {
    saveCanned(text);
    renderCanned($('canned'), useCanned);
  }
});
renderCanned($('canned'), useCanned);

/** The notification switches, from the agent's preferences. */
function showNoticePrefs() {
  for (const name of /** @type {const} */ (['sound', 'desktop', 'title'])) {
    const box = /** @type {HTMLInputElement} */ ($(`notify-${name}`));
    box.checked = notifier.prefs[name];
    box.onchange = () => notifier.set(name, box.checked);
  }
}
/** For tests: the notifier, and whether the console's first events (the current state) are over. */
/** @type {any} */ (window).parleyNotifier = { notifier, live: () => connectedAt > 0 && Date.now() - connectedAt > SETTLE_MS };

const saved = sessionStorage.getItem(TOKEN_KEY);
if (saved) {
  start({ token: saved });
}
