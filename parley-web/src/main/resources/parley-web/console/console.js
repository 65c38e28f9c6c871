// Parley agent console: log in, see the queue and the site's conversations live (with the
// visitor's mood), open one (its whole transcript, the bot's answers as they stream), reply with
// typing indicators and read receipts, accept / transfer / resolve / hand back to the bot, and
// canned replies. All text is rendered as text, never as HTML.
import { ParleyClient, newCid, mergeDelta } from '../sdk/parley.js';
import { appendBubble, setBubbleText, TypingIndicators } from '../sdk/dom.js';

const $ = (id) => document.getElementById(id);
const TOKEN_KEY = 'parley:console:token';
const CANNED_KEY = 'parley:console:canned';
const DEFAULT_CANNED = [
  'Hi! I\'m here to help — give me a moment to read the conversation.',
  'Thanks for waiting. Let me check that for you.',
  'Is there anything else I can help you with?',
  'Thanks for chatting with us. Have a great day!',
];

let client = null;
let me = null;
let current = null; // the open conversation id
const conversations = new Map(); // id → latest agent view
const bubbles = new Map(); // message/answer id or cid → element
const answers = new Map(); // answer id → text so far
const mine = new Map(); // seq → my bubble
let visitorRead = 0;
let visitorDelivered = 0;
let lastSeq = 0;
const typing = new TypingIndicators((users) => {
  $('typing').textContent = users.length ? `${users.join(', ')} typing…` : '';
});

function showLogin(message) {
  $('app').hidden = true;
  $('login-view').hidden = false;
  $('login-error').textContent = message || '';
  sessionStorage.removeItem(TOKEN_KEY);
}

$('login').addEventListener('submit', (e) => {
  e.preventDefault();
  const f = new FormData(e.target);
  start({ login: { user: f.get('user'), password: f.get('password') } });
});

$('logout').addEventListener('click', () => {
  client?.close();
  client = null;
  showLogin('');
});

function start(credentials) {
  client?.close();
  $('login-error').textContent = '';
  conversations.clear();
  client = new ParleyClient({ url: location.origin, ...credentials });
  window.parleyConsole = { client };
  client.on('error', (e) => {
    if (e.code === 'unauthorized') {
      showLogin(e.message);
    } else {
      flash(e.message);
    }
  });
  client.on('welcome', (w) => {
    if (w.role !== 'agent' && w.role !== 'admin') {
      client.close();
      showLogin('Your session ended; log in again.');
      return;
    }
    me = w.user;
    sessionStorage.setItem(TOKEN_KEY, w.token);
    $('me').textContent = `${w.user} (${w.role})`;
    $('login-view').hidden = true;
    $('app').hidden = false;
  });
  client.on('state', (s) => {
    $('conn').textContent = s.state === 'connected' ? `connected (${client.transport})` : s.state + '…';
  });
  client.on('close', (c) => {
    if (c.code === 4401) {
      showLogin('Your login expired; log in again.');
    }
  });
  client.on('conversation', onConversation);
  client.on('message', onMessage);
  client.on('answer', onAnswer);
  client.on('typing', (t) => t.conv === current && t.user !== me && setTyping(t.user, t.on, t.ttlMs));
  client.on('receipt', (r) => r.conv === current && r.user !== me && onReceipt(r));
  client.on('joined', (j) => {
    if (j.conv === current) {
      for (const r of j.receipts || []) {
        if (r.user !== me) {
          onReceipt(r);
        }
      }
    }
  });
  client.connect().catch((e) => {
    if (!$('login-error').textContent) {
      showLogin(e.message);
    }
  });
}

function flash(text) {
  const el = $('conn');
  const before = el.textContent;
  el.textContent = text;
  setTimeout(() => { el.textContent = before; }, 4000);
}

function mood(s) {
  if (s == null) {
    return '';
  }
  return s <= -0.3 ? '🙁' : s >= 0.3 ? '🙂' : '😐';
}

function onConversation(c) {
  if (!c.visitor) {
    return; // not an agent's view
  }
  conversations.set(c.conv, { ...conversations.get(c.conv), ...c });
  renderLists();
  if (c.conv === current) {
    renderHeader();
  }
}

function renderLists() {
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
    const ul = $(name);
    ul.replaceChildren(...list.map(item));
  }
  $('queue-count').textContent = groups.queue.length ? String(groups.queue.length) : '';
}

function item(c) {
  const li = document.createElement('li');
  li.tabIndex = 0;
  li.dataset.conv = c.conv;
  li.setAttribute('aria-current', String(c.conv === current));
  const left = document.createElement('span');
  left.textContent = c.visitor;
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

function open(conv) {
  if (current && current !== conv) {
    client.leave(current);
  }
  current = conv;
  bubbles.clear();
  answers.clear();
  mine.clear();
  visitorRead = 0;
  visitorDelivered = 0;
  lastSeq = 0;
  $('log').replaceChildren();
  $('typing').textContent = '';
  $('empty').hidden = true;
  $('detail').hidden = false;
  client.join(conv, 0); // the whole transcript, the bot's part included
  renderHeader();
  renderLists();
  $('text').focus();
}

function renderHeader() {
  const c = conversations.get(current) || {};
  $('c-visitor').textContent = c.visitor || current;
  $('c-status').textContent = c.status === 'assigned' ? `assigned to ${c.agent}` : c.status || '';
  $('c-mood').textContent = mood(c.sentiment);
  const assignedToMe = c.status === 'assigned' && c.agentId === me;
  $('accept').disabled = !(c.status === 'queued' || c.status === 'bot');
  $('transfer').disabled = !assignedToMe;
  $('resolve').disabled = !assignedToMe;
  $('back').disabled = !assignedToMe;
}

function bubble(kind, who) {
  return appendBubble($('log'), kind, who);
}

const setText = setBubbleText;

function kindOf(m) {
  if (m.kind === 'system') {
    return 'system';
  }
  if (m.kind === 'bot' || m.from === 'bot') {
    return 'bot';
  }
  const c = conversations.get(m.conv);
  return c && m.from === c.visitor ? 'visitor' : 'agent';
}

function onMessage(m) {
  if (m.conv !== current) {
    return;
  }
  lastSeq = Math.max(lastSeq, m.seq);
  let el = bubbles.get(m.id) || (m.cid && m.from === me && bubbles.get(m.cid));
  const kind = kindOf(m);
  if (!el) {
    el = bubble(kind, kind === 'agent' ? (m.from === me ? 'You' : m.from) : kind === 'bot' ? 'Bot' : null);
  }
  el.classList.remove('streaming');
  bubbles.set(m.id, el);
  setText(el, m.status ? `${m.text} (${m.status})` : m.text);
  if (m.from === me) {
    mine.set(m.seq, el);
    renderTicks();
  }
  $('log').scrollTop = $('log').scrollHeight;
  if (document.visibilityState === 'visible') {
    client.receipt(m.conv, 'read', lastSeq);
  }
}

function onAnswer(a) {
  if (a.conv !== current) {
    return;
  }
  let el = bubbles.get(a.id);
  if (!el) {
    el = bubble('bot', 'Bot');
    bubbles.set(a.id, el);
  }
  if (a.phase === 'start') {
    el.classList.add('streaming');
  } else if (a.phase === 'delta') {
    const next = mergeDelta(answers.get(a.id) ?? '', a.offset, a.text);
    answers.set(a.id, next);
    if (el.classList.contains('streaming') || !el.querySelector('.text').textContent) {
      el.classList.add('streaming');
      setText(el, next);
    }
  } else if (a.phase === 'end') {
    el.classList.remove('streaming');
  }
  $('log').scrollTop = $('log').scrollHeight;
}

function onReceipt(r) {
  if (r.kind === 'read') {
    visitorRead = Math.max(visitorRead, r.seq);
  }
  visitorDelivered = Math.max(visitorDelivered, r.seq);
  renderTicks();
}

function renderTicks() {
  for (const [seq, el] of mine) {
    let meta = el.querySelector('.meta');
    if (!meta) {
      meta = document.createElement('span');
      meta.className = 'meta';
      el.appendChild(meta);
    }
    const state = seq <= visitorRead ? 'read' : seq <= visitorDelivered ? 'delivered' : 'sent';
    meta.textContent = state === 'sent' ? '✓' : '✓✓';
    meta.title = state;
    el.dataset.state = state;
  }
}

function setTyping(user, on, ttl) {
  typing.set(user, on, ttl);
}

let typingSentAt = 0;
$('text').addEventListener('input', () => {
  if (current && Date.now() - typingSentAt > 2000) {
    typingSentAt = Date.now();
    client.typing(current, true);
  }
});
$('text').addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.shiftKey) {
    e.preventDefault();
    $('compose').requestSubmit();
  }
});
$('compose').addEventListener('submit', (e) => {
  e.preventDefault();
  const text = $('text').value.trim();
  if (!text || !current) {
    return;
  }
  $('text').value = '';
  typingSentAt = 0;
  client.typing(current, false);
  const cid = newCid();
  const el = bubble('agent', 'You');
  setText(el, text);
  el.dataset.state = 'pending';
  bubbles.set(cid, el);
  client.send(current, text, { cid }).then((ack) => {
    bubbles.set(ack.id, el);
    mine.set(ack.seq, el);
    renderTicks();
  }, (err) => flash(err.message));
});

$('accept').addEventListener('click', () => client.accept(current));
$('resolve').addEventListener('click', () => client.resolve(current));
$('back').addEventListener('click', () => client.backToBot(current));
$('transfer').addEventListener('click', () => {
  const to = $('transfer-to').value.trim();
  if (to) {
    client.transfer(current, to);
  }
});

function canned() {
  try {
    return JSON.parse(localStorage.getItem(CANNED_KEY)) || DEFAULT_CANNED;
  } catch {
    return DEFAULT_CANNED;
  }
}

function renderCanned() {
  $('canned').replaceChildren(...canned().map((text) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = text.length > 40 ? text.slice(0, 38) + '…' : text;
    b.title = text;
    b.addEventListener('click', () => {
      $('text').value = text;
      $('text').focus();
    });
    return b;
  }));
}
$('save-canned').addEventListener('click', () => {
  const text = $('text').value.trim();
  if (text && !canned().includes(text)) {
    localStorage.setItem(CANNED_KEY, JSON.stringify([...canned(), text]));
    renderCanned();
  }
});
renderCanned();

const saved = sessionStorage.getItem(TOKEN_KEY);
if (saved) {
  start({ token: saved });
}
