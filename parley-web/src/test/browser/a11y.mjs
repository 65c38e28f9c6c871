// Browser test: accessibility. axe-core (npm, injected into each page) finds no serious or critical
// violation — nor a page without a main landmark or an <h1> (rules axe rates moderate) — in the
// widget (closed with an unread message, and open, and with its emoji picker open), the console
// (login, and a conversation open, and its emoji picker), the dashboard (login, and its charts) and
// the admin page (its site editor with the widget preview, its agent editor); the launcher's
// accessible name tells how many messages are unread; both transcripts scroll from the keyboard.
//   node --experimental-websocket a11y.mjs   (PARLEY_URL, PARLEY_AGENT_PASSWORD)
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { run, step, fail, watch, consoleLogin, dashboardLogin, adminLogin, visitorWith, BASE } from './lib.mjs';

const AXE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Rules that fail the test whatever impact axe gives them. */
const ALWAYS = new Set(['landmark-one-main', 'page-has-heading-one']);

/** Runs axe on the page as it is now; fails on any serious or critical violation, or one of ALWAYS. */
async function axe(page, what) {
  if (!(await page.evaluate(() => 'axe' in window))) {
    await page.evaluate(AXE); // evaluated, not a <script>: a page's CSP does not block it
  }
  const violations = await page.evaluate(async (always) => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical' || always.includes(v.id))
      .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  }, [...ALWAYS]);
  if (violations.length) {
    fail(`${what}: ${violations.join('\n  ')}`);
  }
  step(`${what}: no serious or critical axe violations`);
}

/** Focuses the scrollable element and scrolls it with the keyboard; fails if it cannot. */
async function keyboardScrolls(page, locator, what) {
  await locator.focus();
  if (!(await locator.evaluate((el) => el.getRootNode().activeElement === el))) {
    fail(`${what} cannot take the keyboard focus`);
  }
  await locator.evaluate((el) => { el.scrollTop = 0; });
  await page.keyboard.press('End');
  // keyboard scrolling is animated: wait for it to move
  const moved = await page.waitForFunction((el) => el.scrollTop > 0, await locator.elementHandle(), { timeout: 15000 })
    .then(() => true, () => false);
  if (!moved) {
    fail(`${what} does not scroll from the keyboard`);
  }
  step(`${what} scrolls from the keyboard`);
}

await run('a11y', async (browser) => {
  const context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
  const page = await context.newPage();
  watch(page, 'page');

  // The widget, closed, with an answer unread (the greeting alone is not a message yet: the
  // conversation is created by the visitor's first message).
  await page.goto(BASE + '/');
  const widget = page.locator('#parley-widget');
  const launcher = widget.locator('.launcher');
  // Connected, and the conversation (the id the first message will create) is known.
  await page.waitForFunction(() => {
    const w = /** @type {any} */ (window).parleyWidget;
    return document.querySelector('#parley-widget')?.dataset.state === 'connected' && Boolean(w?.transcript.state.conv);
  }, null, { timeout: 15000 });
  await page.evaluate(() => {
    const w = /** @type {any} */ (window).parleyWidget;
    return w.client.send(w.transcript.state.conv, 'How do I run Parley?');
  });
  await widget.locator('.badge').filter({ hasText: /^[1-9]/ }).waitFor({ timeout: 20000 });
  const name = await launcher.getAttribute('aria-label');
  if (!/\d+ new messages?/.test(name ?? '')) {
    fail(`the launcher's accessible name does not tell the unread count: "${name}"`);
  }
  step(`the launcher is named "${name}"`);
  await axe(page, 'the demo page with the widget closed');

  // Open, with a transcript longer than the panel.
  await launcher.click();
  await page.evaluate(async () => {
    const w = /** @type {any} */ (window).parleyWidget;
    const conv = w.transcript.state.conv;
    for (let i = 1; i <= 12; i++) {
      await w.client.send(conv, `message ${i} to make the transcript longer than its panel`);
    }
  });
  await widget.locator('.log .msg', { hasText: 'message 12 ' }).waitFor();
  await axe(page, 'the widget open');
  await widget.locator('button.emoji-button').click();
  await widget.locator('.emoji-picker[role=dialog]').waitFor();
  await axe(page, 'the widget with its emoji picker open');
  await page.keyboard.press('Escape');
  await keyboardScrolls(page, widget.locator('.log'), 'the widget\'s transcript');

  // The console: its login, then a long conversation open.
  const { client: visitor, conv } = await visitorWith(20);
  try {
    await page.goto(BASE + '/console/');
    await axe(page, 'the console\'s login');
    await consoleLogin(page);
    await page.locator(`#queue li[data-conv="${conv}"]`).click();
    await page.locator('#log .msg', { hasText: 'line 20:' }).waitFor({ timeout: 15000 });
    await page.click('#accept');
    await page.fill('#text', 'A reply, so that the transcript holds a "You" label.');
    await page.press('#text', 'Enter');
    await page.locator('#log .msg.agent .who', { hasText: 'You' }).waitFor();
    await axe(page, 'the console with a conversation open');
    await page.click('#emoji');
    await page.locator('.emoji-picker[role=dialog]').waitFor();
    await axe(page, 'the console with its emoji picker open');
    await page.keyboard.press('Escape');
    await keyboardScrolls(page, page.locator('#log'), 'the console\'s transcript');
  } finally {
    visitor.close();
  }

  // The dashboard: its login, then its charts.
  await page.goto(BASE + '/dashboard/');
  await axe(page, 'the dashboard\'s login');
  await dashboardLogin(page);
  await axe(page, 'the dashboard\'s charts');

  // The admin page: its login, then a site's editor with the widget preview, and the agents.
  await adminLogin(page);
  await axe(page, 'the admin page\'s sites');
  await page.locator('#site-list button', { hasText: 'Parley demo' }).click();
  await page.locator('.site-form .preview #parley-widget .launcher').waitFor({ timeout: 15000 });
  await axe(page, 'the admin page\'s site editor with its preview');
  await page.click('.tab[data-tab=agents]');
  await page.click('#new-agent');
  await axe(page, 'the admin page\'s agent editor');
  await context.close();
});
