// Parley chat widget. Add it to any page with one tag:
//
//   <script src="https://chat.example.com/widget.js" data-site="demo" async></script>
//
// Options (data-* attributes): data-site (required), data-lang (en, de; default: the browser's),
// data-title (the panel's title), data-open ("true" to start open), data-transports
// (e.g. "sse,longpoll"). It adds a launcher button and a chat panel inside a Shadow DOM, so the
// host page's CSS does not reach it and its CSS does not leak out. Message text is always rendered
// as text (textContent), never as HTML.
(function () {
  'use strict';
  const script = document.currentScript;
  if (!script) {
    return;
  }
  const base = new URL(script.src, location.href);
  const cfg = {
    site: script.dataset.site || 'demo',
    lang: (script.dataset.lang || navigator.language || 'en').slice(0, 2).toLowerCase(),
    title: script.dataset.title,
    open: script.dataset.open === 'true',
    transports: script.dataset.transports ? script.dataset.transports.split(',').map((s) => s.trim()) : undefined,
  };

  const STRINGS = {
    en: {
      open: 'Open chat', close: 'Close chat', title: 'Chat with us', placeholder: 'Type a message…',
      send: 'Send', human: 'Talk to a human', stop: 'Stop', connecting: 'Connecting…',
      reconnecting: 'Reconnecting… your messages will be sent when we are back.', offline: 'Offline',
      queued: (pos, min) => `You are number ${pos} in the queue` + (min ? ` (about ${min} min).` : '.'),
      typing: (who) => `${who} is typing…`, bot: 'Assistant', agentJoined: (name) => `${name}`,
      sent: 'sent', delivered: 'delivered', read: 'read', pending: 'sending', you: 'You',
      log: 'Conversation', unread: (n) => `${n} new`,
    },
    de: {
      open: 'Chat öffnen', close: 'Chat schließen', title: 'Schreiben Sie uns', placeholder: 'Nachricht schreiben…',
      send: 'Senden', human: 'Mit einem Menschen sprechen', stop: 'Stopp', connecting: 'Verbinde…',
      reconnecting: 'Verbindung wird wiederhergestellt… Ihre Nachrichten werden danach gesendet.', offline: 'Offline',
      queued: (pos, min) => `Sie sind Nummer ${pos} in der Warteschlange` + (min ? ` (etwa ${min} Min.).` : '.'),
      typing: (who) => `${who} schreibt…`, bot: 'Assistent', agentJoined: (name) => `${name}`,
      sent: 'gesendet', delivered: 'zugestellt', read: 'gelesen', pending: 'wird gesendet', you: 'Sie',
      log: 'Unterhaltung', unread: (n) => `${n} neu`,
    },
  };
  const t = STRINGS[cfg.lang] || STRINGS.en;

  const CSS = `
    :host { all: initial; }
    * { box-sizing: border-box; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; }
    .launcher { position: fixed; right: 20px; bottom: 20px; width: 56px; height: 56px; border-radius: 50%;
      border: none; background: #3451d1; color: #fff; cursor: pointer; z-index: 2147483000;
      display: flex; align-items: center; justify-content: center;
      box-shadow: 0 6px 20px rgba(20, 30, 80, .3); }
    .launcher:focus-visible, button:focus-visible, textarea:focus-visible { outline: 3px solid #f5a623; outline-offset: 2px; }
    .badge { position: absolute; top: -4px; right: -4px; background: #d93025; color: #fff; border-radius: 10px;
      font-size: 12px; padding: 1px 6px; }
    .panel { position: fixed; right: 20px; bottom: 88px; width: 370px; height: 560px; max-height: calc(100vh - 110px);
      background: #fff; color: #1d2330; border-radius: 14px; box-shadow: 0 12px 40px rgba(20, 30, 80, .28);
      display: flex; flex-direction: column; overflow: hidden; z-index: 2147483000; font-size: 15px; }
    .panel[hidden] { display: none; }
    header { background: #3451d1; color: #fff; padding: 12px 14px; display: flex; align-items: center; gap: 8px; }
    header .title { font-weight: 600; flex: 1; }
    header .agent { font-size: 13px; opacity: .9; }
    header button { background: transparent; border: none; color: #fff; font-size: 20px; cursor: pointer; }
    .status { background: #fff4ce; color: #5c4400; font-size: 13px; padding: 6px 12px; }
    .status[hidden] { display: none; }
    .log { flex: 1; overflow-y: auto; padding: 12px; display: flex; flex-direction: column; gap: 8px; background: #f6f7fb; }
    .msg { max-width: 82%; padding: 8px 11px; border-radius: 12px; line-height: 1.4; white-space: pre-wrap;
      word-wrap: break-word; }
    .msg.mine { align-self: flex-end; background: #3451d1; color: #fff; border-bottom-right-radius: 4px; }
    .msg.theirs { align-self: flex-start; background: #fff; border: 1px solid #e1e4ee; border-bottom-left-radius: 4px; }
    .msg.system { align-self: center; background: transparent; color: #5b6172; font-size: 13px; text-align: center; }
    .msg .who { display: block; font-size: 12px; color: #5b6172; margin-bottom: 2px; }
    .msg .meta { display: block; font-size: 11px; text-align: right; opacity: .8; margin-top: 2px; }
    .tick.read { color: #7fe3ff; }
    .msg.streaming .text::after { content: "▍"; animation: blink 1s steps(1) infinite; }
    @keyframes blink { 50% { opacity: 0; } }
    .typing { font-size: 13px; color: #5b6172; padding: 2px 14px; min-height: 20px; background: #f6f7fb; }
    .actions { display: flex; gap: 6px; padding: 6px 10px 0; background: #fff; }
    .actions button { font-size: 13px; border: 1px solid #c9cfe3; background: #fff; color: #3451d1; border-radius: 14px;
      padding: 4px 10px; cursor: pointer; }
    .actions button[hidden] { display: none; }
    form { display: flex; gap: 8px; padding: 10px; background: #fff; border-top: 1px solid #e1e4ee; }
    textarea { flex: 1; resize: none; border: 1px solid #c9cfe3; border-radius: 10px; padding: 8px; font-size: 15px;
      height: 42px; color: #1d2330; background: #fff; }
    form button { background: #3451d1; color: #fff; border: none; border-radius: 10px; padding: 0 14px; cursor: pointer;
      font-size: 15px; }
    .sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
    @media (max-width: 480px) {
      .panel { right: 0; bottom: 0; width: 100vw; height: 100vh; max-height: 100vh; border-radius: 0; }
      .launcher { right: 14px; bottom: 14px; }
    }
  `;

  const host = document.createElement('div');
  host.id = 'parley-widget';
  document.body.appendChild(host);
  const root = host.attachShadow({ mode: 'open' });
  root.innerHTML = `<style>${CSS}</style>
    <button class="launcher" type="button" aria-haspopup="dialog" aria-expanded="false">
      <svg aria-hidden="true" width="28" height="28" viewBox="0 0 24 24" fill="none" stroke="currentColor"
        stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><path d="M21 15a2 2 0 0 1-2 2H7l-4 4V5a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2z"/></svg>
      <span class="badge" hidden></span></button>
    <section class="panel" role="dialog" aria-modal="false" hidden>
      <header><span class="title"></span><span class="agent"></span>
        <button class="close" type="button">×</button></header>
      <div class="status" role="status" hidden></div>
      <div class="log" role="log" aria-live="polite" aria-relevant="additions text"></div>
      <div class="typing" aria-live="polite"></div>
      <div class="actions"><button class="human" type="button"></button><button class="stop" type="button" hidden></button></div>
      <form><label class="sr" for="parley-input"></label>
        <textarea id="parley-input" rows="1"></textarea>
        <button type="submit"></button></form>
    </section>`;
  const $ = (sel) => root.querySelector(sel);
  const launcher = $('.launcher');
  const badge = $('.badge');
  const panel = $('.panel');
  const log = $('.log');
  const status = $('.status');
  const typingLine = $('.typing');
  const input = $('textarea');
  const humanButton = $('.human');
  const stopButton = $('.stop');
  launcher.setAttribute('aria-label', t.open);
  $('.title').textContent = cfg.title || t.title;
  panel.setAttribute('aria-label', cfg.title || t.title);
  $('.close').setAttribute('aria-label', t.close);
  $('label').textContent = t.placeholder;
  input.placeholder = t.placeholder;
  $('form button').textContent = t.send;
  humanButton.textContent = t.human;
  stopButton.textContent = t.stop;
  log.setAttribute('aria-label', t.log);

  const storageKey = `parley:${base.host}:${cfg.site}:token`;
  let client;
  let conv = null;
  let me = null;
  let unread = 0;
  let streaming = null; // the answer id streaming now
  const bubbles = new Map(); // message id or answer id or cid → element
  const answers = new Map(); // answer id → text so far
  const mine = new Map(); // seq → bubble of my own message (for ticks)
  let othersDelivered = 0;
  let othersRead = 0;
  let lastSeq = 0;
  let readSent = 0;
  let typing; // a TypingIndicators of sdk/dom.js, made when it has loaded
  const names = { bot: t.bot };
  let agentName = null;

  function isOpen() {
    return !panel.hidden;
  }

  function setOpen(open) {
    panel.hidden = !open;
    launcher.setAttribute('aria-expanded', String(open));
    launcher.setAttribute('aria-label', open ? t.close : t.open);
    if (open) {
      unread = 0;
      badge.hidden = true;
      input.focus();
      markRead();
    } else {
      launcher.focus();
    }
  }

  launcher.addEventListener('click', () => setOpen(!isOpen()));
  $('.close').addEventListener('click', () => setOpen(false));
  panel.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      setOpen(false);
    }
  });

  function scrollDown() {
    log.scrollTop = log.scrollHeight;
  }

  let dom; // sdk/dom.js, loaded with the SDK
  function bubble(kind, who) {
    return dom.appendBubble(log, kind, who);
  }

  function setText(el, text) {
    dom.setBubbleText(el, text); // never innerHTML: message text is data
  }

  function setTick(el, state) {
    let meta = el.querySelector('.meta');
    if (!meta) {
      meta = document.createElement('span');
      meta.className = 'meta';
      el.appendChild(meta);
    }
    const marks = { pending: '◷', sent: '✓', delivered: '✓✓', read: '✓✓' };
    meta.innerHTML = '';
    const tick = document.createElement('span');
    tick.className = 'tick ' + state;
    tick.textContent = marks[state];
    tick.setAttribute('aria-label', t[state]);
    tick.title = t[state];
    meta.appendChild(tick);
    el.dataset.state = state;
  }

  function refreshTicks() {
    for (const [seq, el] of mine) {
      setTick(el, seq <= othersRead ? 'read' : seq <= othersDelivered ? 'delivered' : 'sent');
    }
  }

  function whoIs(user) {
    if (user === 'bot') {
      return names.bot;
    }
    return names[user] || agentName || null; // visitors see the agent's name, not its id
  }

  function showMessage(m) {
    lastSeq = Math.max(lastSeq, m.seq);
    let el = bubbles.get(m.id) || (m.cid && bubbles.get(m.cid));
    const own = m.from === me;
    if (!el) {
      const kind = m.kind === 'system' ? 'system' : own ? 'mine' : 'theirs';
      el = bubble(kind, kind === 'theirs' ? whoIs(m.from) : null);
    }
    el.classList.remove('streaming');
    bubbles.set(m.id, el);
    setText(el, m.text);
    if (own) {
      mine.set(m.seq, el);
      refreshTicks();
    } else if (!isOpen() && m.kind !== 'system') {
      unread++;
      badge.textContent = t.unread(unread);
      badge.hidden = false;
    }
    scrollDown();
    client.receipt(m.conv, 'delivered', m.seq);
    markRead();
  }

  function markRead() {
    if (client && conv && isOpen() && document.visibilityState === 'visible' && lastSeq > readSent) {
      readSent = lastSeq;
      client.receipt(conv, 'read', lastSeq);
    }
  }
  document.addEventListener('visibilitychange', markRead);

  function onAnswer(a) {
    if (a.conv !== conv) {
      return;
    }
    let el = bubbles.get(a.id);
    if (a.phase === 'start' || !el) {
      if (!el) {
        el = bubble('theirs', names.bot);
        bubbles.set(a.id, el);
        answers.set(a.id, '');
      }
      el.classList.add('streaming');
      streaming = a.id;
      stopButton.hidden = false;
    }
    if (a.phase === 'delta') {
      const next = mergeDeltaFn(answers.get(a.id) ?? '', a.offset, a.text);
      answers.set(a.id, next);
      if (el.classList.contains('streaming')) {
        setText(el, next);
      }
      scrollDown();
    }
    if (a.phase === 'end') {
      el.classList.remove('streaming');
      if (streaming === a.id) {
        streaming = null;
        stopButton.hidden = true;
      }
    }
    setTyping('bot', false);
  }

  function setTyping(user, on, ttlMs) {
    typing.set(user, on, ttlMs);
  }

  function onConversation(c) {
    conv = c.conv;
    if (c.agent) {
      agentName = c.agent;
      $('.agent').textContent = t.agentJoined(c.agent);
      if (c.agentId) {
        names[c.agentId] = c.agent;
      }
    }
    humanButton.hidden = c.status !== 'bot';
    if (c.status === 'queued' && c.position) {
      showStatus(t.queued(c.position, c.waitSeconds ? Math.max(1, Math.round(c.waitSeconds / 60)) : 0));
    } else if (client.state === 'connected') {
      showStatus(null);
    }
  }

  function showStatus(text) {
    status.hidden = !text;
    status.textContent = text || '';
  }

  let typingSentAt = 0;
  input.addEventListener('input', () => {
    if (conv && Date.now() - typingSentAt > 2000 && input.value.trim()) {
      typingSentAt = Date.now();
      client.typing(conv, true);
    }
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      $('form').requestSubmit();
    }
  });
  $('form').addEventListener('submit', (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (!text || !conv) {
      return;
    }
    input.value = '';
    typingSentAt = 0;
    client.typing(conv, false);
    const cid = newCidFn();
    const el = bubble('mine');
    setText(el, text);
    setTick(el, 'pending');
    bubbles.set(cid, el);
    scrollDown();
    client.send(conv, text, { cid }).then((ack) => {
      bubbles.set(ack.id, el);
      mine.set(ack.seq, el);
      refreshTicks();
    }, (err) => {
      setTick(el, 'pending');
      el.title = err.message;
    });
  });
  humanButton.addEventListener('click', () => conv && client.handoff(conv));
  stopButton.addEventListener('click', () => conv && streaming && client.stop(conv, streaming));

  let newCidFn;
  let mergeDeltaFn;
  Promise.all([import(new URL('sdk/parley.js', base).href), import(new URL('sdk/dom.js', base).href)])
    .then(([{ ParleyClient, newCid, mergeDelta }, domModule]) => {
    dom = domModule;
    typing = new dom.TypingIndicators((users) => {
      typingLine.textContent = users.length ? t.typing(users.map((u) => whoIs(u) || '…').join(', ')) : '';
    });
    newCidFn = newCid;
    mergeDeltaFn = mergeDelta;
    client = new ParleyClient({
      url: base.origin,
      site: cfg.site,
      token: localStorage.getItem(storageKey) || undefined,
      transports: cfg.transports,
    });
    window.parleyWidget = { client, open: () => setOpen(true) }; // for the host page and tests
    client.on('welcome', (w) => {
      me = w.user;
      localStorage.setItem(storageKey, w.token); // the same visitor after a reload
    });
    client.on('state', (s) => {
      host.dataset.state = s.state;
      host.dataset.transport = client.transport || '';
      if (s.state === 'reconnecting') {
        showStatus(t.reconnecting);
      } else if (s.state === 'connecting') {
        showStatus(t.connecting);
      } else if (s.state === 'connected') {
        showStatus(null);
      } else if (s.state === 'closed') {
        showStatus(t.offline);
      }
    });
    client.on('conversation', onConversation);
    client.on('message', showMessage);
    client.on('answer', onAnswer);
    client.on('typing', (e) => e.user !== me && e.conv === conv && setTyping(e.user, e.on, e.ttlMs));
    client.on('receipt', (r) => {
      if (r.user !== me && r.conv === conv) {
        if (r.kind === 'read') {
          othersRead = Math.max(othersRead, r.seq);
        }
        othersDelivered = Math.max(othersDelivered, r.seq);
        refreshTicks();
      }
    });
    client.on('joined', (j) => {
      for (const r of j.receipts || []) {
        if (r.user !== me) {
          if (r.kind === 'read') {
            othersRead = Math.max(othersRead, r.seq);
          }
          othersDelivered = Math.max(othersDelivered, r.seq);
        }
      }
      refreshTicks();
    });
    client.connect().catch(() => showStatus(t.offline));
    if (cfg.open) {
      setOpen(true);
    }
  });
})();
