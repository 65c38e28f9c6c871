// Browser test: the widget on another site's page that has its own strict Content-Security-Policy,
// allowing the Parley origin exactly as docs/SECURITY.md#embedding-the-widget says (script-src and
// style-src the Parley origin, connect-src the Parley origin over http and ws), and enforcing
// Trusted Types (no markup strings into the DOM). The host page is
// served from a second origin by a small HTTP server here; the visitor chats, and no
// `securitypolicyviolation` fires. The host's own stylesheet restyles the widget through its CSS
// custom properties and ::part() names.
//   node --experimental-websocket host-page.mjs   (PARLEY_URL; the demo site must allow any origin)
import http from 'node:http';
import { run, step, fail, watch, recordViolations, BASE } from './lib.mjs';

const parley = new URL(BASE);
const WS = `${parley.protocol === 'https:' ? 'wss' : 'ws'}://${parley.host}`;
const HOST_POLICY = `default-src 'self'; script-src 'self' ${parley.origin}; style-src 'self' ${parley.origin}; `
  + `connect-src 'self' ${parley.origin} ${WS}; img-src 'self'; base-uri 'none'; form-action 'self'; `
  + "require-trusted-types-for 'script'; trusted-types 'none'";

const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Another site</title>
<link rel="stylesheet" href="/site.css"></head><body><main><h1>Another site</h1><p>It embeds Parley.</p></main>
<script src="${parley.origin}/widget.js" data-site="demo" async></script></body></html>`;
const SITE_CSS = `#parley-widget { --parley-accent: rgb(10, 125, 79); --parley-radius: 4px; }
#parley-widget::part(launcher) { bottom: 90px; }`;

await run('host-page', async (browser) => {
  const site = http.createServer((req, res) => {
    if (req.url === '/site.css') {
      res.writeHead(200, { 'content-type': 'text/css' });
      res.end(SITE_CSS);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': HOST_POLICY });
    res.end(PAGE);
  });
  await new Promise((r) => site.listen(0, '127.0.0.1', r));
  // localhost and 127.0.0.1 are different origins: the page is not on the Parley origin
  const origin = `http://localhost:${site.address().port}`;
  if (origin === parley.origin) {
    fail('the host page must be on another origin');
  }
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  const check = await recordViolations(context);
  const page = await context.newPage();
  watch(page, 'host');
  try {
    await page.goto(origin + '/');
    const widget = page.locator('#parley-widget');
    const launcher = widget.locator('.launcher');
    await launcher.waitFor({ timeout: 15000 });
    const look = await launcher.evaluate((el) => {
      const s = getComputedStyle(el);
      return { color: s.backgroundColor, bottom: s.bottom };
    });
    if (look.color !== 'rgb(10, 125, 79)' || look.bottom !== '90px') {
      fail('the host page\'s CSS did not restyle the widget: ' + JSON.stringify(look));
    }
    step('the host page restyles the widget through --parley-accent and ::part(launcher)');
    await launcher.click();
    await widget.locator('.log .msg.theirs').first().waitFor({ timeout: 15000 });
    await widget.locator('textarea').fill('Hello from another site');
    await widget.locator('textarea').press('Enter');
    await widget.locator('.log .msg.mine:not([data-state=pending])', { hasText: 'another site' }).waitFor({ timeout: 15000 });
    step('greeting shown and message sent from ' + origin);
    await check(page, 'the widget on a page with a strict CSP of its own');
  } finally {
    await context.close();
    site.close();
  }
});
