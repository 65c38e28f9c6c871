// Browser test: a visitor page (the demo page with the widget) and an agent page (the console) in
// headless Chromium, against a real Parley server (PARLEY_URL), once per transport:
//   node chat-flow.mjs websocket|sse|longpoll
// For sse and longpoll the visitor's page blocks WebSocket (and, for longpoll, the event stream)
// the way a restrictive network would. The visitor's page goes through a TCP proxy in this process,
// so the test can cut its connections mid-conversation. Screenshots go to SCREENSHOT_DIR.
// Started by parley-testkit's BrowserTest, which asserts the exit code; prints one line per step.
import { chromium } from 'playwright-core';
import net from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import { CHROMIUM } from './lib.mjs';

const BASE = process.env.PARLEY_URL;
const PASSWORD = process.env.PARLEY_AGENT_PASSWORD || 'pw';
const SHOTS = process.env.SCREENSHOT_DIR || 'screenshots';
const transport = process.argv[2] || 'websocket';
const XSS = '<img src=x onerror=alert(1)>';
const step = (s) => console.log(`[${transport}] ${s}`);

function fail(message) {
  throw new Error(`[${transport}] ${message}`);
}

async function proxyTo(port) {
  const sockets = new Set();
  let refusing = false;
  const server = net.createServer((client) => {
    if (refusing) {
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(port, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => {
        sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    cut() {
      for (const s of sockets) {
        s.resetAndDestroy();
      }
    },
    refuse(on) {
      refusing = on;
    },
    close() {
      this.cut();
      server.close();
    },
  };
}

const BLOCK_WEBSOCKET = `window.WebSocket = class { constructor() { throw new Error('WebSocket blocked by the network'); } };`;
const BLOCK_EVENT_STREAM = `{ const f = window.fetch.bind(window);
  window.fetch = (u, i) => String(u).includes('/events') ? Promise.reject(new TypeError('blocked')) : f(u, i); }`;

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
});
const proxy = await proxyTo(Number(new URL(BASE).port));
fs.mkdirSync(SHOTS, { recursive: true });
let exitCode = 0;
/** @type {import('playwright-core').Page|null} the visitor's page, for the state on a failure */
let visitorPage = null;
/** @type {import('playwright-core').Page|null} the dashboard, opened in the WebSocket run */
let dash = null;
try {
  const visitorContext = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  const agentContext = await browser.newContext({ viewport: { width: 1280, height: 820 } });
  const visitor = await visitorContext.newPage();
  const agent = await agentContext.newPage();
  visitorPage = visitor;
  const dialogs = [];
  for (const p of [visitor, agent]) {
    p.on('dialog', (d) => {
      dialogs.push(d.message());
      d.dismiss();
    });
    p.on('pageerror', (e) => console.log(`[${transport}] page error: ${e.message}`));
  }
  if (transport !== 'websocket') {
    await visitor.addInitScript(BLOCK_WEBSOCKET);
  }
  if (transport === 'longpoll') {
    await visitor.addInitScript(BLOCK_EVENT_STREAM);
  }

  // The visitor opens the demo page and the widget: the greeting appears.
  await visitor.goto(proxy.url + '/');
  const widget = visitor.locator('#parley-widget');
  await widget.locator('.launcher').click();
  const log = widget.locator('.log');
  await log.locator('.msg.theirs').first().waitFor();
  const greeting = await log.locator('.msg.theirs').first().textContent();
  if (!greeting.includes('assistant')) {
    fail('no greeting: ' + greeting);
  }
  const used = await widget.getAttribute('data-transport');
  if (used !== transport) {
    fail(`the widget uses ${used}, expected ${transport}`);
  }
  step(`greeting shown over ${used}`);

  // A question gets a streamed bot answer.
  await widget.locator('textarea').fill('How do I run Parley?');
  await widget.locator('textarea').press('Enter');
  await log.locator('.msg.streaming').waitFor({ timeout: 15000 });
  step('the answer streams');
  await log.locator('.msg.streaming').waitFor({ state: 'detached', timeout: 30000 });
  const answer = await log.locator('.msg.theirs').last().textContent();
  if (answer.length < 40) {
    fail('short answer: ' + answer);
  }
  step('the answer is complete');

  // The visitor asks for a human; the agent logs in, sees it queued, accepts and replies.
  await widget.locator('button.human').click();
  await agent.goto(BASE + '/console/');
  await agent.fill('input[name=user]', 'maya');
  await agent.fill('input[name=password]', PASSWORD);
  await agent.click('#login button[type=submit]');
  // this visitor's conversation: other tests on the same server leave theirs in the queue too
  const conv = await visitor.evaluate(() => /** @type {any} */ (window).parleyWidget.transcript.state.conv);
  const queued = agent.locator(`#queue li[data-conv="${conv}"]`);
  await queued.waitFor({ timeout: 15000 });
  step('the agent sees the conversation queued');
  await queued.click();
  await agent.locator('#log .msg.visitor').first().waitFor();
  await agent.click('#accept');
  await widget.locator('header .agent', { hasText: 'Maya' }).waitFor({ timeout: 15000 });
  step('the visitor sees the agent\'s name');
  await agent.locator('#text').pressSequentially('Hello');
  await widget.locator('.typing', { hasText: 'Maya is typing' }).waitFor({ timeout: 15000 });
  step('the visitor sees the agent typing');
  await agent.fill('#text', 'Hello, I am Maya. How can I help?');
  await agent.press('#text', 'Enter');
  await log.locator('.msg.theirs', { hasText: 'I am Maya' }).waitFor({ timeout: 15000 });
  step('the visitor sees the agent\'s reply');

  // Ticks: the visitor's message is read by the agent (console open), and the agent's by the visitor.
  await widget.locator('textarea').fill('Thanks! My order has not arrived.');
  await widget.locator('textarea').press('Enter');
  await log.locator('.msg.mine[data-state=read]', { hasText: 'order has not arrived' }).waitFor({ timeout: 15000 });
  step('the visitor\'s message is marked read');
  await agent.locator('#log .msg.agent[data-state=read]', { hasText: 'I am Maya' }).waitFor({ timeout: 15000 });
  step('the agent\'s reply is marked read');
  // Read looks different from delivered (a heavier mark, not colour alone), and every stored
  // message shows the time it was stored.
  const readMark = await agent.locator('#log .msg.agent[data-state=read] .tick.read', { hasText: '✔✔' }).first();
  await readMark.waitFor();
  assert.notEqual(await readMark.textContent(), '✓✓', 'read is not drawn like delivered');
  for (const [where, page] of [['widget', log], ['console', agent.locator('#log')]]) {
    const stored = page.locator('.msg:not([data-state=pending]):not(.streaming)');
    const withTime = page.locator('.msg:not([data-state=pending]):not(.streaming) .meta time.ts[datetime]');
    assert.equal(await withTime.count(), await stored.count(), `every stored message in the ${where} shows its time`);
  }
  step('read differs from delivered; every message shows its time');

  // Markup in a message is shown as text, in the widget and in the console.
  await widget.locator('textarea').fill(XSS);
  await widget.locator('textarea').press('Enter');
  await agent.locator('#log .msg.visitor', { hasText: XSS }).waitFor({ timeout: 15000 });
  await log.locator('.msg.mine', { hasText: XSS }).waitFor();
  const images = await log.locator('img').count() + await agent.locator('#log img').count();
  if (images !== 0 || dialogs.length) {
    fail(`markup was rendered (${images} img, dialogs ${dialogs})`);
  }
  step('markup is shown as text on both sides');

  // A network cut mid-conversation: both sides keep typing; nothing is lost or doubled.
  proxy.refuse(true);
  proxy.cut();
  await widget.locator('.status', { hasText: 'Reconnecting' }).waitFor({ timeout: 15000 });
  step('the widget shows that it is reconnecting');
  await widget.locator('textarea').fill('sent while offline 1');
  await widget.locator('textarea').press('Enter');
  await widget.locator('textarea').fill('sent while offline 2');
  await widget.locator('textarea').press('Enter');
  await agent.fill('#text', 'agent wrote during the cut');
  await agent.press('#text', 'Enter');
  proxy.refuse(false);
  await log.locator('.msg.theirs', { hasText: 'agent wrote during the cut' }).waitFor({ timeout: 30000 });
  await agent.locator('#log .msg.visitor', { hasText: 'sent while offline 2' }).waitFor({ timeout: 30000 });
  for (const [page, sel, text] of [[visitor, '#parley-widget .log .msg', 'sent while offline 1'],
    [visitor, '#parley-widget .log .msg', 'sent while offline 2'],
    [visitor, '#parley-widget .log .msg', 'agent wrote during the cut'],
    [agent, '#log .msg', 'sent while offline 1'], [agent, '#log .msg', 'sent while offline 2'],
    [agent, '#log .msg', 'agent wrote during the cut']]) {
    const n = await page.locator(sel, { hasText: text }).count();
    if (n !== 1) {
      fail(`"${text}" shown ${n} times`);
    }
  }
  const order = await log.locator('.msg.mine').allTextContents();
  const i1 = order.findIndex((t) => t.includes('offline 1'));
  const i2 = order.findIndex((t) => t.includes('offline 2'));
  if (!(i1 >= 0 && i1 < i2)) {
    fail('offline messages out of order: ' + order.join(' | '));
  }
  step('after the cut: everything once, in order');

  await visitor.screenshot({ path: path.join(SHOTS, `widget-${transport}.png`) });
  await agent.screenshot({ path: path.join(SHOTS, `console-${transport}.png`) });

  // A reload keeps the visitor and restores the history.
  const before = await log.locator('.msg').count();
  await visitor.reload();
  await widget.locator('.launcher').click();
  await visitor.waitForFunction((n) => document.querySelector('#parley-widget').shadowRoot
    .querySelectorAll('.log .msg').length >= n, before - 1, { timeout: 20000 });
  const again = await log.locator('.msg', { hasText: 'sent while offline 2' }).count();
  if (again !== 1) {
    fail('history after reload shows the message ' + again + ' times');
  }
  step('history restored after a reload, same visitor');
  if (transport === 'websocket') {
    await visitor.setViewportSize({ width: 390, height: 760 });
    await visitor.screenshot({ path: path.join(SHOTS, 'widget-phone.png') });
    const box = await widget.locator('.panel').boundingBox();
    if (!box || box.width > 390) {
      fail('the panel does not fit a phone screen: ' + JSON.stringify(box));
    }
    step('fits a phone-sized screen');

    // Keyboard: Escape closes the panel and gives focus back to the launcher; Enter opens it again.
    await widget.locator('textarea').press('Escape');
    await widget.locator('.panel').waitFor({ state: 'hidden' });
    const focused = await visitor.evaluate(() => document.querySelector('#parley-widget').shadowRoot.activeElement?.className);
    if (focused !== 'launcher') {
      fail('focus did not return to the launcher: ' + focused);
    }
    await visitor.keyboard.press('Enter');
    await widget.locator('.panel').waitFor();
    step('keyboard: Escape closes, Enter opens');

    // Translated: a German browser gets the German strings.
    const german = await browser.newContext({ locale: 'de-DE' });
    const page = await german.newPage();
    await page.goto(proxy.url + '/');
    const launcher = page.locator('#parley-widget .launcher');
    await launcher.waitFor();
    // "Chat öffnen", and once the greeting is in, "Chat öffnen, 1 neue Nachricht"
    if (!(await launcher.getAttribute('aria-label'))?.startsWith('Chat öffnen')) {
      fail('not German: ' + await launcher.getAttribute('aria-label'));
    }
    await launcher.click();
    if ((await page.locator('#parley-widget textarea').getAttribute('placeholder')) !== 'Nachricht schreiben…') {
      fail('the placeholder is not German');
    }
    await german.close();
    step('German strings for a German browser');

    // The admin dashboard shows live figures.
    dash = await agentContext.newPage();
    await dash.goto(BASE + '/dashboard/');
    await dash.fill('input[name=user]', 'maya');
    await dash.fill('input[name=password]', PASSWORD);
    await dash.click('#login button[type=submit]');
    await dash.locator('#tile-connections .value').filter({ hasText: /^[1-9]/ }).waitFor({ timeout: 15000 });
    await dash.locator('#by-status').filter({ hasText: 'assigned' }).waitFor({ timeout: 15000 });
    await dash.locator('#login').waitFor({ state: 'hidden' });
    await dash.screenshot({ path: path.join(SHOTS, 'dashboard.png') });
    step('the dashboard shows live connections and conversations');
  }
  // Last, resolved: the widget asks for a rating; the visitor rates; the agent sees it.
  await agent.click('#resolve');
  await widget.locator('form.rating').waitFor({ timeout: 15000 });
  step('the widget asks for a rating once the chat is resolved');
  await widget.locator('#parley-rating-comment').fill('took a while');
  await widget.locator('form.rating button.bad').click();
  await widget.locator('form.rating + .thanks').waitFor({ timeout: 15000 });
  await agent.locator('#c-rating[data-rating=bad]', { hasText: 'took a while' }).waitFor({ timeout: 15000 });
  if (await widget.locator('form.rating').isVisible()) {
    fail('the rating question stays after the rating');
  }
  step('the visitor rated the chat; the agent sees the rating');
  if (dash) {
    // The site's report, from the store: this conversation counted, handed off, rated bad; as CSV.
    await dash.selectOption('#report-form select[name=site]', 'demo');
    await dash.click('#report-form button[type=submit]');
    await dash.locator('#report-figures dd[data-figure=ratings]', { hasText: /[1-9]\d* bad/ }).waitFor({ timeout: 15000 });
    const handed = await dash.locator('#report-figures dd[data-figure=handed-off]').textContent();
    if (!(Number(handed) >= 1)) {
      fail('the report counts no handed-off conversation: ' + handed);
    }
    const [download] = await Promise.all([dash.waitForEvent('download'), dash.click('#report-csv')]);
    const csv = fs.readFileSync(await download.path(), 'utf8');
    if (!download.suggestedFilename().startsWith('parley-report-demo-') || !csv.startsWith('date,conversations,bot_only')) {
      fail('the CSV download: ' + download.suggestedFilename() + ' ' + csv.slice(0, 60));
    }
    await dash.screenshot({ path: path.join(SHOTS, 'dashboard-report.png'), fullPage: true });
    step('the dashboard\'s report counts the rated conversation and downloads as CSV');
  }
  console.log(`[${transport}] PASS`);
} catch (e) {
  console.error(e.stack || String(e));
  exitCode = 1;
  await visitorPage?.screenshot({ path: path.join(SHOTS, `failure-${transport}.png`) }).catch(() => {});
  const state = await visitorPage?.evaluate(() => {
    const w = /** @type {any} */ (window).parleyWidget;
    return w && JSON.stringify({
      state: w.client.state, transport: w.client.transport, pending: w.client.pending(),
      items: w.transcript.state.items.map((i) => [i.key, i.seq, i.tick, i.streaming, i.text.slice(0, 30)]),
    });
  }).catch(() => null);
  console.error(`[${transport}] the widget at the failure: ${state}`);
} finally {
  proxy.close();
  await browser.close();
}
process.exit(exitCode);
