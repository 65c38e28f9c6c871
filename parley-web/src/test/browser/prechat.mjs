// Browser test: the pre-chat form and the visitor panel (issue 18, part 1). An admin makes a site
// whose pre-chat form asks for a name and an email (admin API); a page of another origin embeds its
// widget; the visitor opens it: the form stands in the composer's place, a wrong address is refused
// under its field (aria-invalid), the corrected form is accepted and the composer comes back; the
// visitor says hello. In the agent console the conversation's visitor panel shows the name, the
// email, the page, the browser, the local time; on a phone-sized viewport it folds away.
//   node --experimental-websocket prechat.mjs   (PARLEY_URL; maya an admin)
import http from 'node:http';
import { run, step, fail, watch, consoleLogin, agent, BASE } from './lib.mjs';

const parley = new URL(BASE);
const SITE = 'forms';

/** An admin API call with maya's token. */
async function api(token, method, path, body, headers = {}) {
  const r = await fetch(`${BASE}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, etag: r.headers.get('etag'), body: await r.json().catch(() => ({})) };
}

await run('prechat', async (browser) => {
  const maya = await agent();
  const made = await api(maya.token, 'POST', '/api/admin/sites', {
    id: SITE, name: 'Forms', greeting: 'Hi! How can we help?', allowedOrigins: ['*'],
    appearance: { prechat: { enabled: true, fields: [
      { key: 'name', kind: 'name', label: 'Your name', required: true },
      { key: 'email', kind: 'email', required: true },
    ] } },
  });
  if (made.status !== 201 && made.status !== 409) {
    fail(`site not made: ${made.status} ${JSON.stringify(made.body)}`);
  }
  const me = await api(maya.token, 'GET', '/api/admin/agents/maya');
  if (!me.body.sites.includes(SITE)) {
    const { version, updatedAt, ...agentDoc } = me.body; // read-only fields
    const put = await api(maya.token, 'PUT', '/api/admin/agents/maya', { ...agentDoc, sites: [...agentDoc.sites, SITE] },
      { 'If-Match': me.etag });
    if (put.status !== 200) {
      fail(`maya not added to ${SITE}: ${put.status} ${JSON.stringify(put.body)}`);
    }
  }
  maya.close();
  step('a site with a pre-chat form (name, email), maya its agent');

  const host = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html><head><meta charset="utf-8"><title>Pricing — Forms</title></head>
<body><main><h1>Pricing</h1></main>
<script src="${parley.origin}/widget.js" data-site="${SITE}" data-lang="en" async></script></body></html>`);
  });
  await new Promise((r) => host.listen(0, '127.0.0.1', r));
  const pageUrl = `http://localhost:${host.address().port}/pricing`;
  const visitorContext = await browser.newContext({ viewport: { width: 1000, height: 800 }, timezoneId: 'Asia/Riyadh' });
  const page = await visitorContext.newPage();
  watch(page, 'widget');
  try {
    await page.goto(pageUrl);
    const widget = page.locator('#parley-widget');
    await widget.locator('.launcher').click();
    const form = widget.locator('form.prechat');
    await form.waitFor({ timeout: 15000 });
    if (!(await widget.locator('form[part="composer"]').isHidden())) {
      fail('the composer shows beside the pre-chat form');
    }
    await form.locator('#parley-prechat-name').fill('Ana Lima');
    await form.locator('#parley-prechat-email').fill('ana@example');
    await form.locator('button[type="submit"]').click();
    const error = form.locator('#parley-prechat-email-error');
    await error.filter({ hasText: /./ }).waitFor({ timeout: 15000 });
    if ((await form.locator('#parley-prechat-email').getAttribute('aria-invalid')) !== 'true') {
      fail('the wrong email is not marked aria-invalid');
    }
    if ((await form.locator('#parley-prechat-name-error').textContent()) !== '') {
      fail('the right name got an error');
    }
    step(`a wrong email is refused under its field: "${await error.textContent()}"`);

    await form.locator('#parley-prechat-email').fill('ana@example.com');
    await form.locator('button[type="submit"]').click();
    await form.waitFor({ state: 'hidden', timeout: 15000 });
    const input = widget.locator('textarea[part="input"]');
    await input.waitFor({ timeout: 15000 });
    step('the corrected form is accepted; the composer is back');
    await input.fill('Hello, I have a question about pricing');
    await input.press('Enter');
    await widget.locator('.log .msg', { hasText: 'question about pricing' }).waitFor({ timeout: 15000 });
    const conv = await page.evaluate(() => /** @type {any} */ (window).parleyWidget.transcript.state.conv);
    await widget.locator('button.human').click(); // queued: in the console's queue at login
    step(`the visitor wrote in ${conv} and asked for a person`);

    const agentContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const consolePage = await agentContext.newPage();
    watch(consolePage, 'console');
    await consoleLogin(consolePage);
    const item = consolePage.locator(`li[data-conv="${conv}"]`);
    await item.first().waitFor({ timeout: 15000 });
    await item.first().click();
    const panel = consolePage.locator('#visitor-body');
    for (const text of ['Ana Lima', 'ana@example.com', pageUrl, 'Pricing — Forms', 'Chrome', 'Asia/Riyadh']) {
      await panel.locator('dd', { hasText: text }).first().waitFor({ timeout: 15000 })
        .catch(async () => fail(`the visitor panel lacks ${text}: ${JSON.stringify(await panel.textContent())}`));
    }
    const beside = await consolePage.evaluate(() => {
      const v = /** @type {HTMLElement} */ (document.getElementById('visitor')).getBoundingClientRect();
      const log = /** @type {HTMLElement} */ (document.getElementById('log')).getBoundingClientRect();
      return v.left >= log.right - 1;
    });
    if (!beside) {
      fail('on a wide screen the panel is not beside the transcript');
    }
    step('the agent sees the name, email, page, title, browser and time zone beside the transcript');

    await consolePage.setViewportSize({ width: 375, height: 740 });
    await consolePage.click('#visitor summary');
    await panel.waitFor({ state: 'hidden', timeout: 15000 });
    const overflow = await consolePage.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    if (overflow) {
      fail('the console overflows a phone-sized viewport');
    }
    await consolePage.click('#visitor summary');
    await panel.locator('dd', { hasText: 'Ana Lima' }).waitFor({ timeout: 15000 });
    step('on a phone the panel folds away and opens again');
    await agentContext.close();
  } finally {
    host.close();
    await visitorContext.close();
  }
});
