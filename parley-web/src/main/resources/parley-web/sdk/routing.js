// @ts-check
// Where each frame from the server goes in the JS SDK's client: the welcome to the credentials and
// the connection, messages through the positions (in seq order, once), acks and refusals to the
// sender, everything else out as an event of its own name. Runs on the client's event loop.

/** @typedef {import('./parley.js').ParleyClient} ParleyClient */
/** @typedef {import('./protocol.js').Welcome} Welcome */
/** @typedef {import('./protocol.js').Message} Message */
/** @typedef {import('./protocol.js').ErrorPush} ErrorPush */

/**
 * Routes one text frame from the server: a welcome, messages (in order, once), acks to the sender,
 * refusals, the rest as events of the same name.
 * @param {ParleyClient} client @param {string} text
 */
export function routeFrame(client, text) {
  /** @type {any} */
  let push;
  try {
    push = JSON.parse(text);
  } catch {
    return;
  }
  for (const m of push.type === 'message' ? [push] : push.type === 'history' ? push.messages ?? [] : []) {
    m.attachments = m.meta?.attachments ?? []; // docs/PROTOCOL.md#attachments
  }
  switch (push.type) {
    case 'welcome':
      welcomed(client, push);
      break;
    case 'joined': {
      if (!client._leaves.takesUp(push.conv)) {
        return; // the answer to a join made before a leave: the server has left it by now
      }
      client._positions.failedJoins.delete(push.conv);
      client._sender.joined(push.conv);
      const unparked = client._positions.joined(push);
      client.emit('joined', push);
      for (const m of unparked) {
        client.emit('message', m);
      }
      return;
    }
    case 'message':
      message(client, push);
      return;
    case 'ack':
      client._sender.settle(push); // emits the ack
      return;
    case 'error':
      if (error(client, push)) {
        return; // taken care of here: a join made again after the wait
      }
      break;
    case 'authed':
      client._credentials.authed(push);
      break;
    case 'pong':
      return;
    case 'continuity_lost': // an ephemeral channel: move the position, then tell the app
      if (!client._positions.continuityLost(push)) {
        return; // a stale repeat of a loss already reported: nothing is missing
      }
      break;
    case 'left':
      client._leaves.answered(push.conv);
      break;
    default:
      break;
  }
  client.emit(push.type, push);
}

/** @param {ParleyClient} client @param {Welcome} w */
function welcomed(client, w) {
  client._helloPending = false;
  client._credentials.welcomed(w);
  client.user = w.user;
  client.role = w.role;
  client._connection.established(w.heartbeatMs);
  for (const conv of client._leaves.welcomed()) {
    // Left while not connected (the hello may have resumed it): before the app hears of the state.
    client._connection.send(JSON.stringify({ type: 'leave', conv }));
  }
  client._setState('connected');
  client._resolveWelcome?.(w);
  for (const [conv, p] of client._positions.entries()) {
    if (p.seq < 0 || p.epoch !== undefined || client._helloInUrl) {
      // hello.resume carries no epoch: an ephemeral channel resumes with join {after, epoch}; a
      // hello in the URL resumed nothing (a conversation joined while it was on its way).
      client._write(client._positions.joinCommand(conv));
      client._sender.joinedNow.add(conv);
    }
  }
  client._sender.welcomed(w.user);
}

/** @param {ParleyClient} client @param {Message} m */
function message(client, m) {
  if (m.cid != null && m.from === client.user && client._sender.has(m.cid)) {
    // Our own message is durable even if its ack was lost.
    client._sender.settle({ type: 'ack', cid: m.cid, conv: m.conv, seq: m.seq, id: m.id, ts: m.ts });
  }
  const a = client._positions.accept(m);
  if (a.duplicate) {
    client.duplicatesDropped++;
  }
  if (a.resyncAfter !== null) {
    client._write({ type: 'join', conv: m.conv, after: a.resyncAfter, epoch: client._positions.epoch(m.conv) });
  }
  for (const next of a.deliver) {
    client.emit('message', next);
  }
}

/**
 * @param {ParleyClient} client @param {ErrorPush} e
 * @returns {boolean} true when nothing is left for the app (the `error` event is not emitted)
 */
function error(client, e) {
  if (e.code === 'already_hello') {
    return true; // a hello said in a frame after one in the URL that was slow to be answered
  }
  if (e.code === 'rate_limited' && client._helloPending) {
    client._credentials.helloLater(e.retryAfterMs, () => client._helloPending && client.state !== 'closed' && client._hello());
    return false;
  }
  if (e.code === 'rate_limited' && e.cid == null && e.field === 'conv' && e.conv && client._positions.holds(e.conv)) {
    // A join beyond the connection's join rate (PROTOCOL.md#join): made again after the wait, from
    // the position then held, unless the conversation was left meanwhile (after a reconnect, whose
    // welcome joined it already, the server takes it as a resync: a replay the positions dedupe).
    // Sends to it wait for its joined. Retries are spaced a token apart (the server refills one
    // every retryAfterMs), not all at the same instant only for one of them to get through.
    const conv = e.conv;
    client._sender.joinedNow.delete(conv);
    const waiting = client._positions.retrying;
    waiting.add(conv);
    const wait = e.retryAfterMs ?? 1000;
    setTimeout(() => {
      waiting.delete(conv);
      if (client.state === 'connected' && client._positions.holds(conv)) {
        client._write(client._positions.joinCommand(conv));
        client._sender.joinedNow.add(conv);
      }
    }, wait * waiting.size + Math.floor(Math.random() * 100));
    return true;
  }
  if (e.retry && e.cid == null && e.field === 'conv' && e.conv && client._positions.holds(e.conv)) {
    // A join refused for now (the application's backend or the store did not answer): reported,
    // and made again after 1 s doubling to 32 s while it keeps failing (at least retryAfterMs), so a
    // backend that is down is not asked in a loop. Sends to it wait for its joined.
    const conv = e.conv;
    const failed = (client._positions.failedJoins.get(conv) ?? 0) + 1;
    client._positions.failedJoins.set(conv, failed);
    client._sender.joinedNow.delete(conv);
    setTimeout(() => {
      if (client.state === 'connected' && client._positions.holds(conv)) {
        client._write(client._positions.joinCommand(conv));
        client._sender.joinedNow.add(conv);
      }
    }, Math.max(e.retryAfterMs ?? 0, 1000 * 2 ** Math.min(failed - 1, 5)));
    return false;
  }
  if (e.code === 'unauthorized' && client._helloPending && e.field !== 'site') {
    // hello refused: the token is not (or no longer) valid (sdk/credentials.js).
    if (!client._credentials.refused(e.field, () => client._hello())) {
      client.close();
    }
    return false;
  }
  client._sender.refused(e);
  return false;
}
