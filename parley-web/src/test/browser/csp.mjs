// Browser test: Parley's own pages work under the Content-Security-Policy the server is to send on
// HTML (docs/SECURITY.md#content-security-policy): no inline script or style, no style attributes,
// no inline handlers. The policy is added to each HTML response here, so this holds whether or not
// the server sends it yet; any `securitypolicyviolation` (or a console report of one) fails.
//   node --experimental-websocket csp.mjs   (PARLEY_URL, PARLEY_AGENT_PASSWORD)
import { run, step, fail, watch, consoleLogin, dashboardLogin, adminLogin, visitorWith, recordViolations, BASE, POLICY } from './lib.mjs';

await run('csp', async (browser) => {
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  await context.route((url) => url.href.startsWith(BASE) && url.pathname.endsWith('/'), async (route) => {
    const response = await route.fetch();
    const html = (response.headers()['content-type'] ?? '').startsWith('text/html');
    await route.fulfill({ response, headers: html ? { ...response.headers(), 'content-security-policy': POLICY } : undefined });
  });
  const check = await recordViolations(context);
  const page = await context.newPage();
  watch(page, 'page');

  await page.goto(BASE + '/');
  const widget = page.locator('#parley-widget');
  await widget.locator('.launcher').click();
  await widget.locator('.log .msg.theirs').first().waitFor({ timeout: 15000 });
  await widget.locator('textarea').fill('How do I run Parley?');
  await widget.locator('textarea').press('Enter');
  await widget.locator('.log .msg.theirs').nth(1).waitFor({ timeout: 20000 });
  const color = await widget.locator('.launcher').evaluate((el) => getComputedStyle(el).backgroundColor);
  if (color !== 'rgb(52, 81, 209)') {
    fail('the widget\'s stylesheet did not apply: launcher background ' + color);
  }
  await check(page, 'the demo page and the widget (greeting, question, streamed answer)');

  const { client: visitor, conv } = await visitorWith(3);
  try {
    await consoleLogin(page);
    await page.locator(`#queue li[data-conv="${conv}"]`).click();
    await page.locator('#log .msg', { hasText: 'line 3:' }).waitFor({ timeout: 15000 });
    await page.click('#accept');
    await page.fill('#text', 'Hello from the console');
    await page.press('#text', 'Enter');
    await page.locator('#log .msg.agent', { hasText: 'Hello from the console' }).waitFor();
    await check(page, 'the console (login, a conversation, a reply)');
  } finally {
    visitor.close();
  }

  await dashboardLogin(page);
  await page.locator('#tile-frt .legend .swatch').first().waitFor();
  await check(page, 'the dashboard (login, charts)');

  await adminLogin(page);
  await page.locator('#site-list button', { hasText: 'Parley demo' }).click();
  const preview = page.locator('.site-form .preview #parley-widget');
  await preview.locator('.launcher').waitFor({ timeout: 15000 });
  await page.locator('.site-form [data-field="appearance.accent"]').fill('#0a7d4f');
  await page.locator('.site-form [data-field="appearance.position"]').selectOption('bottom-left');
  const restyled = await preview.locator('.launcher').evaluate((el) => getComputedStyle(el).backgroundColor);
  if (restyled !== 'rgb(10, 125, 79)') {
    fail('the preview did not follow the accent under the policy: ' + restyled);
  }
  await check(page, 'the admin page (a site\'s editor, the preview restyled)');
  await context.close();
});
