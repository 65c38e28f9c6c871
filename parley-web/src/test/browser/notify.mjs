// Browser test: the console's notifications (issue 18). While the tab is hidden, a conversation
// newly queued, one assigned to the agent and a visitor's message each raise a desktop notification
// and count in the tab's title; switched off, the title count stops; shown again, the title clears.
// The Notification API and the page's visibility are stood in for by an init script (headless
// Chromium shows no notifications and is never hidden); the console's code is the real one.
//   node --experimental-websocket notify.mjs   (PARLEY_URL, PARLEY_AGENT_PASSWORD: maya)
import { run, step, fail, watch, consoleLogin, visitorWith } from './lib.mjs';

await run('notify', async (browser) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 820 } });
  await context.addInitScript(() => {
    const w = /** @type {any} */ (window);
    w.__hidden = false;
    w.__notes = [];
    Object.defineProperty(Document.prototype, 'visibilityState', { get: () => (w.__hidden ? 'hidden' : 'visible') });
    Object.defineProperty(Document.prototype, 'hidden', { get: () => w.__hidden });
    w.Notification = class {
      static permission = 'granted';
      static requestPermission() { return Promise.resolve('granted'); }
      constructor(title, options) { w.__notes.push({ title, body: options?.body }); }
      close() {}
    };
  });
  const page = await context.newPage();
  watch(page, 'console');
  const visitors = [];
  try {
    await consoleLogin(page);
    await page.waitForFunction(() => /** @type {any} */ (window).parleyNotifier?.live(), null, { timeout: 10000 });
    const base = await page.title();
    const hide = (on) => page.evaluate((h) => {
      /** @type {any} */ (window).__hidden = h;
      document.dispatchEvent(new Event('visibilitychange'));
    }, on);
    const notes = () => page.evaluate(() => /** @type {any} */ (window).__notes.map((n) => n.body));

    await hide(true);
    const v = await visitorWith(0);
    visitors.push(v.client);
    await page.waitForFunction(() => /** @type {any} */ (window).__notes.some((n) => /waiting in the queue/.test(n.body)), null, { timeout: 15000 });
    if (!(await page.title()).startsWith('(1) ')) {
      fail('the title does not count the queued conversation: ' + await page.title());
    }
    step('a conversation queued while the tab is hidden: a desktop notification and (1) in the title');

    await page.click(`#queue li[data-conv="${v.conv}"]`);
    await page.click('#accept');
    await page.waitForFunction(() => /** @type {any} */ (window).__notes.some((n) => /assigned to you/.test(n.body)), null, { timeout: 15000 });
    await v.client.send(v.conv, 'are you there?');
    await page.waitForFunction(() => /** @type {any} */ (window).__notes.some((n) => /are you there\?/.test(n.body)), null, { timeout: 15000 });
    if (!(await page.title()).startsWith('(3) ')) {
      fail('the title does not count three events: ' + await page.title());
    }
    step('an assignment and a visitor\'s message while hidden: notified, (3) in the title');

    await page.click('.notify summary');
    await page.uncheck('#notify-title');
    await v.client.send(v.conv, 'hello again');
    await page.waitForFunction(() => /** @type {any} */ (window).__notes.some((n) => /hello again/.test(n.body)), null, { timeout: 15000 });
    if (!(await page.title()).startsWith('(3) ')) {
      fail('the title counted with its switch off: ' + await page.title());
    }
    const kept = await page.evaluate(() => Object.entries(localStorage).find(([k]) => k === 'parley:console:notifications:maya')?.[1]);
    if (!kept || JSON.parse(kept).title !== false) {
      fail('the switch is not kept for the agent: ' + kept);
    }
    step('with the title switch off the count stays; the switch is kept for the agent');

    await hide(false);
    if ((await page.title()) !== base) {
      fail('the title keeps a count once the tab is shown: ' + await page.title());
    }
    const before = (await notes()).length;
    await v.client.send(v.conv, 'visible now');
    await page.locator('#log', { hasText: 'visible now' }).waitFor({ timeout: 15000 });
    if ((await notes()).length !== before) {
      fail('a message in the visible, open conversation raised a desktop notification');
    }
    step('shown again: the title clears, and a message the agent sees raises no notification');
  } finally {
    visitors.forEach((c) => c.close());
    await context.close();
  }
});
