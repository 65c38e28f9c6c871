// Browser test: a site's look from the admin API restyles its widget on the site's own page (another
// origin). The test makes a site through /api/admin/sites with an accent colour, the launcher on the
// left, a label, an avatar and German texts; a page of an allowed origin embeds the widget with
// data-lang="de"; the launcher wears the colour on the left with the label, the panel the German
// title and avatar, and the visitor is greeted in German.
//   node --experimental-websocket appearance.mjs   (PARLEY_URL, PARLEY_AGENT_PASSWORD: maya, an admin)
import http from 'node:http';
import { run, step, fail, watch, agent, BASE } from './lib.mjs';

const parley = new URL(BASE);

await run('appearance', async (browser) => {
  const page0 = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="de"><head><meta charset="utf-8"><title>Styled</title></head>
<body><main><h1>Ein Shop</h1></main>
<script src="${parley.origin}/widget.js" data-site="styled" data-lang="de" async></script></body></html>`);
  });
  await new Promise((r) => page0.listen(0, '127.0.0.1', r));
  const origin = `http://localhost:${page0.address().port}`;
  const admin = await agent();
  const res = await fetch(`${BASE}/api/admin/sites`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      id: 'styled', greeting: 'Welcome!', allowedOrigins: [origin],
      appearance: {
        accent: '#aa3300', position: 'bottom-left', title: 'Shop help', launcherText: 'Questions?',
        avatarUrl: '/widget/logo.svg', texts: { de: { greeting: 'Willkommen im Shop!', title: 'Shop-Hilfe', launcherText: 'Fragen?' } },
      },
    }),
  });
  admin.close();
  if (res.status !== 201) {
    fail(`the site was not created: ${res.status} ${await res.text()}`);
  }
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  const page = await context.newPage();
  watch(page, 'styled');
  try {
    await page.goto(origin + '/');
    const widget = page.locator('#parley-widget');
    const launcher = widget.locator('.launcher');
    await launcher.waitFor({ timeout: 15000 });
    const look = await launcher.evaluate((el) => {
      const s = getComputedStyle(el);
      const r = el.getBoundingClientRect();
      return { color: s.backgroundColor, left: r.left, right: window.innerWidth - r.right, label: el.textContent };
    });
    if (look.color !== 'rgb(170, 51, 0)') {
      fail('the launcher does not wear the site\'s accent: ' + JSON.stringify(look));
    }
    if (!(look.left < look.right)) {
      fail('the launcher is not on the left: ' + JSON.stringify(look));
    }
    if (!look.label.includes('Fragen?')) {
      fail('the launcher does not show the German label: ' + JSON.stringify(look));
    }
    step('the launcher wears the site\'s accent, on the left, with its German label');
    await launcher.click();
    await widget.locator('header .title', { hasText: 'Shop-Hilfe' }).waitFor({ timeout: 15000 });
    const avatar = await widget.locator('header .avatar').getAttribute('src');
    if (avatar !== `${parley.origin}/widget/logo.svg`) {
      fail(`the avatar is ${avatar}`);
    }
    await widget.locator('.log .msg.theirs', { hasText: 'Willkommen im Shop!' }).waitFor({ timeout: 15000 });
    step('the panel has the German title and the avatar, and greets in German');
    if (process.env.SCREENSHOT_DIR) {
      await page.screenshot({ path: `${process.env.SCREENSHOT_DIR}/appearance.png` });
    }
  } finally {
    await context.close();
    page0.close();
  }
});
