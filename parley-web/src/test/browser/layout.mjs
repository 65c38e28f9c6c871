// Browser test: the demo page with the widget, the agent console and the dashboard fit any
// viewport from 320 px wide — no horizontal scrolling, the launcher and the open panel inside the
// screen, the console's reply box in view however long the transcript (docs/CLIENTS.md#the-widget).
// Then the composers show the text limit (in code points), and a page restyles the widget through
// its CSS custom properties and ::part() names.
//   node --experimental-websocket layout.mjs   (PARLEY_URL, PARLEY_AGENT_PASSWORD)
import { run, step, fail, watch, consoleLogin, dashboardLogin, adminLogin, visitorWith, horizontalOverflow, assertInside, BASE } from './lib.mjs';

const SIZES = [{ width: 320, height: 640 }, { width: 375, height: 740 }, { width: 1280, height: 800 }];

await run('layout', async (browser) => {
  const { client: visitor, conv } = await visitorWith(30); // a long transcript for the console
  try {
    for (const size of SIZES) {
      const label = `${size.width}×${size.height}`;
      const context = await browser.newContext({ viewport: size, isMobile: size.width < 500, hasTouch: size.width < 500 });
      const page = await context.newPage();
      watch(page, label);

      // The demo page and the widget.
      await page.goto(BASE + '/');
      const widget = page.locator('#parley-widget');
      const launcher = widget.locator('.launcher');
      await launcher.waitFor();
      let o = await horizontalOverflow(page);
      if (o.scrollWidth > o.width) {
        fail(`${label}: the demo page is ${o.scrollWidth} px wide`);
      }
      assertInside(page, await launcher.boundingBox(), `${label}: the launcher`);
      await launcher.click();
      await widget.locator('.log .msg').first().waitFor();
      assertInside(page, await widget.locator('.panel').boundingBox(), `${label}: the open panel`);
      assertInside(page, await widget.locator('textarea').boundingBox(), `${label}: the widget's text box`);
      o = await horizontalOverflow(page);
      if (o.scrollWidth > o.width) {
        fail(`${label}: the page is ${o.scrollWidth} px wide with the panel open`);
      }
      step(`${label}: the demo page and the widget fit`);

      // The console with a long transcript open: the page does not grow, the reply box stays in view.
      await consoleLogin(page);
      await page.locator(`#queue li[data-conv="${conv}"]`).click();
      await page.locator('#log .msg', { hasText: 'line 30:' }).waitFor({ timeout: 15000 });
      o = await horizontalOverflow(page);
      if (o.scrollWidth > o.width) {
        fail(`${label}: the console is ${o.scrollWidth} px wide`);
      }
      const height = await page.evaluate(() => document.documentElement.scrollHeight);
      if (height > size.height) {
        fail(`${label}: the console is ${height} px high in a ${size.height} px window`);
      }
      assertInside(page, await page.locator('#text').boundingBox(), `${label}: the reply box`);
      assertInside(page, await page.locator('#compose button[type=submit]').boundingBox(), `${label}: the send button`);
      const log = await page.evaluate(() => {
        const el = document.getElementById('log');
        return { scrollable: el.scrollHeight > el.clientHeight, atBottom: el.scrollHeight - el.scrollTop - el.clientHeight < 2 };
      });
      if (!log.scrollable || !log.atBottom) {
        fail(`${label}: the transcript should scroll inside the page, at its newest line: ${JSON.stringify(log)}`);
      }
      step(`${label}: the console fits and its reply box is in view`);

      await dashboardLogin(page);
      o = await horizontalOverflow(page);
      if (o.scrollWidth > o.width) {
        fail(`${label}: the dashboard is ${o.scrollWidth} px wide`);
      }
      step(`${label}: the dashboard fits`);

      // The admin page with a site's editor and its widget preview open.
      await adminLogin(page);
      await page.locator('#site-list button', { hasText: 'Parley demo' }).click();
      await page.locator('.site-form .preview #parley-widget .launcher').waitFor({ timeout: 15000 });
      o = await horizontalOverflow(page);
      if (o.scrollWidth > o.width) {
        fail(`${label}: the admin page is ${o.scrollWidth} px wide`);
      }
      const save = await page.locator('.site-form .buttons button[type=submit]').boundingBox();
      if (!save || save.x < 0 || save.x + save.width > size.width) {
        fail(`${label}: the admin page's save button is outside the window: ${JSON.stringify(save)}`);
      }
      step(`${label}: the admin page fits`);
      await context.close();
    }

    // The text limit, counted in code points: a counter near it, no sending past it.
    const context = await browser.newContext({ viewport: { width: 1100, height: 800 }, bypassCSP: true });
    const page = await context.newPage();
    watch(page, 'limit');
    await page.goto(BASE + '/');
    const widget = page.locator('#parley-widget');
    await widget.locator('.launcher').click();
    await widget.locator('.log .msg').first().waitFor();
    await limitShown(page, widget.locator('textarea'), widget.locator('.counter'), widget.locator('button.send'), 'the widget');

    // A page restyles the widget from its own CSS (an inline style here; a site uses its stylesheet).
    await page.addStyleTag({ content: `#parley-widget { --parley-accent: rgb(10, 125, 79); --parley-radius: 3px; }
      #parley-widget::part(launcher) { bottom: 90px; } #parley-widget::part(panel) { width: 300px; }` });
    const look = await page.evaluate(() => {
      const root = document.querySelector('#parley-widget').shadowRoot;
      const l = getComputedStyle(root.querySelector('.launcher'));
      const p = getComputedStyle(root.querySelector('.panel'));
      return { accent: l.backgroundColor, bottom: l.bottom, radius: p.borderTopLeftRadius, width: p.width };
    });
    if (JSON.stringify(look) !== JSON.stringify({ accent: 'rgb(10, 125, 79)', bottom: '90px', radius: '3px', width: '300px' })) {
      fail('the page\'s CSS did not restyle the widget: ' + JSON.stringify(look));
    }
    step('a page restyles the widget through --parley-accent, --parley-radius and ::part()');

    await consoleLogin(page);
    await page.locator(`#queue li[data-conv="${conv}"]`).click();
    await page.locator('#log .msg').first().waitFor();
    await limitShown(page, page.locator('#text'), page.locator('#counter'), page.locator('#send'), 'the console');
    await context.close();
  } finally {
    visitor.close();
  }
});

/** Near the limit the counter shows; past it (one emoji too many), it warns and sending is off. */
async function limitShown(page, input, counter, send, what) {
  const emoji = '😀';
  await input.fill(emoji.repeat(3990));
  await counter.filter({ hasText: '3990 / 4000' }).waitFor();
  if (await send.isDisabled()) {
    fail(`${what}: 3990 emoji (7980 UTF-16 units) fit the limit, yet sending is off`);
  }
  await input.fill(emoji.repeat(4001));
  await counter.filter({ hasText: '4001 / 4000' }).waitFor();
  if (!(await counter.evaluate((el) => el.classList.contains('over'))) || !(await send.isDisabled())) {
    fail(`${what}: 4001 code points are over the limit, yet not marked or still sendable`);
  }
  await input.fill('');
  step(`${what} shows the text limit in code points`);
}
