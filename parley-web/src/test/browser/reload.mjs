// Browser test: a reload keeps what the visitor had. (1) Messages already read stay read: no
// unread badge after a reload, and a new answer while the panel is closed counts one. (2) A
// message typed while the server is unreachable survives a reload: it shows as pending, and once
// the network is back (the browser's `online` event reconnects at once) it is stored exactly once.
// The visitor's page goes through a proxy in this process that can refuse WebSocket upgrades (the
// realtime connection) while still serving the page itself; the fallback transports' requests
// (/rt/…) are failed by the browser meanwhile, so the server is unreachable however the SDK tries.
//   node --experimental-websocket reload.mjs   (PARLEY_URL, PARLEY_AGENT_PASSWORD)
import net from 'node:net';
import { run, step, fail, watch, agent, BASE } from './lib.mjs';

/** A TCP proxy to the server that can refuse and cut WebSocket connections (`GET /ws…`) only. */
async function realtimeProxy(port) {
  const sockets = new Set();
  let blocking = false;
  const server = net.createServer((client) => {
    client.on('error', () => {});
    client.once('data', (first) => {
      const webSocket = first.toString('latin1', 0, 16).startsWith('GET /ws');
      if (webSocket && blocking) {
        client.resetAndDestroy();
        return;
      }
      const upstream = net.connect(port, '127.0.0.1');
      upstream.on('error', () => {});
      upstream.write(first);
      client.pipe(upstream);
      upstream.pipe(client);
      const pair = { client, upstream, webSocket };
      sockets.add(pair);
      const drop = () => {
        sockets.delete(pair);
        client.destroy();
        upstream.destroy();
      };
      client.on('close', drop);
      upstream.on('close', drop);
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    /** Refuses WebSocket connections, and cuts the open ones, until called with false. */
    block(on) {
      blocking = on;
      if (on) {
        for (const p of sockets) {
          if (p.webSocket) {
            p.client.resetAndDestroy();
            p.upstream.destroy();
          }
        }
      }
    },
    close() {
      for (const p of sockets) {
        p.client.destroy();
        p.upstream.destroy();
      }
      server.close();
    },
  };
}

await run('reload', async (browser) => {
  const proxy = await realtimeProxy(Number(new URL(BASE).port));
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  const page = await context.newPage();
  watch(page, 'visitor');
  const widget = page.locator('#parley-widget');
  const badge = widget.locator('.badge');
  try {
    // Ask, read the answer, close the panel, reload: nothing is unread. (The greeting alone is not
    // a message: the first question creates the conversation, greeting first.)
    await page.goto(proxy.url + '/');
    await widget.locator('.launcher').click();
    await widget.locator('.log .msg.theirs').first().waitFor({ timeout: 15000 });
    const conv = await page.evaluate(() => /** @type {any} */ (window).parleyWidget.transcript.state.conv);
    await page.evaluate((c) => /** @type {any} */ (window).parleyWidget.client.send(c, 'What is Parley?'), conv);
    await page.waitForFunction(() => /** @type {any} */ (window).parleyWidget.transcript.state.myRead >= 3,
      null, { timeout: 20000 });
    await widget.locator('.close').click();
    await page.reload();
    await page.waitForFunction(() => /** @type {any} */ (window).parleyWidget?.transcript.state.items.length >= 1,
      null, { timeout: 15000 });
    await page.waitForFunction(() => document.querySelector('#parley-widget')?.dataset.state === 'connected');
    if (await badge.isVisible()) {
      fail(`after a reload the badge counts messages already read: "${await badge.textContent()}"`);
    }
    step('after a reload, messages already read are not counted as new');

    // A new answer while the panel is closed is one unread message.
    await page.evaluate((c) => /** @type {any} */ (window).parleyWidget.client.send(c, 'How do I run Parley?'), conv);
    await badge.filter({ hasText: /^[1-9]/ }).waitFor({ timeout: 20000 });
    const label = await widget.locator('.launcher').getAttribute('aria-label');
    if (!/new message/.test(label ?? '')) {
      fail('the launcher does not name the unread count: ' + label);
    }
    step(`a new answer while closed: the badge shows ${await badge.textContent()} ("${label}")`);

    // The server becomes unreachable; a message typed now survives a reload.
    await widget.locator('.launcher').click();
    await context.route((url) => url.pathname.startsWith('/rt/'), (route) => route.abort('internetdisconnected'));
    proxy.block(true);
    await widget.locator('.status', { hasText: 'Reconnecting' }).waitFor({ timeout: 15000 });
    const text = 'typed while offline, then the page was reloaded';
    await widget.locator('textarea').fill(text);
    await widget.locator('textarea').press('Enter');
    await widget.locator('.log .msg.mine[data-state=pending]', { hasText: text }).waitFor();
    step('typed while offline: pending');
    await page.reload();
    await widget.locator('.launcher').click();
    await widget.locator('.log .msg.mine[data-state=pending]', { hasText: text }).waitFor({ timeout: 15000 });
    step('after the reload the unsent message is still there, pending');

    // The network comes back: the browser says so, the widget reconnects at once and sends it.
    await context.setOffline(true);
    await context.unrouteAll();
    proxy.block(false);
    await context.setOffline(false); // fires `online`
    await widget.locator('.log .msg.mine:not([data-state=pending])', { hasText: text }).waitFor({ timeout: 10000 });
    if (await widget.locator('.log .msg', { hasText: text }).count() !== 1) {
      fail('the message is shown more than once');
    }
    const maya = await agent();
    try {
      const res = await fetch(`${BASE}/api/conversations/${conv}/messages?limit=100`, {
        headers: { Authorization: 'Bearer ' + maya.token },
      });
      if (res.status !== 200) {
        fail(`GET messages: HTTP ${res.status} ${await res.text()}`);
      }
      const stored = (await res.json()).messages.filter((m) => m.text === text);
      if (stored.length !== 1) {
        fail(`the message is stored ${stored.length} times`);
      }
    } finally {
      maya.close();
    }
    step('back online: sent, and stored exactly once');
  } finally {
    await context.close();
    proxy.close();
  }
});
