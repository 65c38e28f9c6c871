// Browser test: an answer cites its sources (issue 16.4). An admin makes a site, uploads a page
// (a file: no address of its own) and fetches another from a web server (an address); a visitor of
// the site asks, the bot answers from the fetched page and the widget shows its source under the
// answer as a link that opens in a new tab without opener or referrer; the next answer, from the
// uploaded file, names its document without a link; a title with markup shows as text; the list is
// labelled "Sources" (in the widget's language; its accessible name, shown). The agent
// console's transcript shows the same sources.
//   node --experimental-websocket sources.mjs   (PARLEY_URL, PARLEY_AGENT_PASSWORD: maya, an admin;
//   the server must allow knowledge fetches from loopback addresses)
import http from 'node:http';
import { run, step, fail, watch, agent, BASE } from './lib.mjs';

const parley = new URL(BASE);
const SITE = 'cite-ui';

/** POSTs to the admin API as `token`; fails the test unless the status is one of `ok`. */
async function admin(token, path, body, ok, type = 'application/json') {
  const res = await fetch(`${BASE}/api/admin${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': type },
    body,
  });
  if (!ok.includes(res.status)) {
    fail(`POST ${path}: ${res.status} ${await res.text()}`);
  }
  return res.json();
}

await run('sources', async (browser) => {
  const web = http.createServer((req, res) => {
    if (req.url === '/kettle-guide.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<html><head><title>Kettle <b>guide</b></title></head><body><h1>Descaling</h1>'
        + '<p>Descale the kettle every month with citric acid dissolved in warm water.</p></body></html>');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Kettles</title></head>
<body><main><h1>Kettles</h1></main><script src="${parley.origin}/widget.js" data-site="${SITE}" data-lang="en" async></script></body></html>`);
  });
  await new Promise((r) => web.listen(0, '127.0.0.1', r));
  const origin = `http://localhost:${web.address().port}`;
  const guide = `http://127.0.0.1:${web.address().port}/kettle-guide.html`;

  const maya = await agent();
  await admin(maya.token, '/sites', JSON.stringify({ id: SITE, greeting: 'Ask us about kettles.', allowedOrigins: [origin] }), [201]);
  // Capacity 0: the conversation waits in the queue for the console to open it, not assigned.
  await admin(maya.token, '/agents', JSON.stringify({ user: 'cleo-ui', name: 'Cleo', sites: [SITE], role: 'agent', capacity: 0, password: 'cleos-long-password' }), [201]);
  await admin(maya.token, `/sites/${SITE}/knowledge?filename=warranty.html`,
    '<html><head><title>Warranty terms</title></head><body><h1>Warranty</h1>'
    + '<p>Every kettle has a warranty of three years from the day of purchase.</p></body></html>', [201], 'text/html');
  await admin(maya.token, `/sites/${SITE}/knowledge/fetch`, JSON.stringify({ url: guide }), [201]);
  maya.close();
  for (let i = 0; ; i++) {
    const maya2 = await agent();
    const res = await fetch(`${BASE}/api/admin/sites/${SITE}/knowledge`, { headers: { authorization: `Bearer ${maya2.token}` } });
    maya2.close();
    const docs = await res.json();
    if (docs.length === 2 && docs.every((d) => d.status === 'ready')) {
      break;
    }
    if (i === 100) {
      fail('the documents are not ready: ' + JSON.stringify(docs));
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  step('a page uploaded and a page fetched from the web are ready');

  const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  const page = await context.newPage();
  watch(page, 'kettles');
  try {
    await page.goto(origin + '/');
    const widget = page.locator('#parley-widget');
    await widget.locator('.launcher').click({ timeout: 15000 });
    await widget.locator('.log .msg.theirs', { hasText: 'Ask us about kettles.' }).waitFor({ timeout: 15000 });
    await widget.locator('textarea').fill('How do I descale the kettle?');
    await widget.locator('textarea').press('Enter');
    const answer = widget.locator('.log .msg.theirs', { hasText: 'citric acid' });
    await answer.waitFor({ timeout: 20000 });
    const link = answer.locator('ul.sources li a');
    await link.waitFor({ timeout: 15000 });
    const seen = await link.evaluate((a) => ({
      href: a.getAttribute('href'), target: a.getAttribute('target'), rel: a.getAttribute('rel'),
      text: a.textContent, markup: a.querySelector('*') !== null,
    }));
    if (seen.href !== guide || seen.target !== '_blank' || seen.rel !== 'noopener noreferrer') {
      fail('the source link is not as it should be: ' + JSON.stringify(seen));
    }
    if (!seen.text.includes('Kettle') || seen.markup) {
      fail('the source title is not shown as text: ' + JSON.stringify(seen));
    }
    step('the answer from the fetched page shows its source as a link to it, opening in a new tab without opener');
    const heading = await answer.locator('ul.sources').evaluate((ul) => ({
      label: ul.getAttribute('aria-label'), shown: getComputedStyle(ul, '::before').content,
    }));
    if (heading.label !== 'Sources' || !heading.shown.includes('Sources')) {
      fail('the sources are not labelled "Sources", visibly: ' + JSON.stringify(heading));
    }
    step('the list is labelled "Sources" (its accessible name, shown as a small heading)');
    if (process.env.SCREENSHOT_DIR) {
      await page.screenshot({ path: `${process.env.SCREENSHOT_DIR}/widget-sources.png` });
    }

    await widget.locator('textarea').fill('How long is the warranty of a kettle?');
    await widget.locator('textarea').press('Enter');
    const second = widget.locator('.log .msg.theirs', { hasText: 'three years' });
    await second.waitFor({ timeout: 20000 });
    await second.locator('ul.sources li', { hasText: 'Warranty terms' }).waitFor({ timeout: 15000 });
    if (await second.locator('ul.sources a').count() !== 0) {
      fail('an uploaded file without an address became a link');
    }
    step('the answer from the uploaded file names its document without a link');

    // The agent console shows the same sources in the conversation's transcript.
    const conv = await page.evaluate(() => /** @type {any} */ (window).parleyWidget?.transcript.state.conv);
    await widget.locator('button.human').click();
    const consolePage = await context.newPage();
    watch(consolePage, 'console');
    await consolePage.goto(BASE + '/console/');
    await consolePage.fill('input[name=user]', 'cleo-ui');
    await consolePage.fill('input[name=password]', 'cleos-long-password');
    await consolePage.click('#login button[type=submit]');
    const queued = conv ? consolePage.locator(`#queue li[data-conv="${conv}"]`) : consolePage.locator('#queue li').first();
    await queued.waitFor({ timeout: 15000 });
    await queued.click();
    const cited = consolePage.locator('#log .msg', { hasText: 'citric acid' }).locator('ul.sources a');
    await cited.waitFor({ timeout: 15000 });
    if (await cited.getAttribute('href') !== guide || await cited.getAttribute('rel') !== 'noopener noreferrer') {
      fail('the console does not show the source link');
    }
    step('the agent console shows the sources in the transcript');
  } finally {
    await context.close();
    web.close();
  }
});
