// Browser test: the admin page's Knowledge tab crawls a sitemap (issue 16). A sitemap served on
// 127.0.0.1 (the test server allows private addresses: knowledge-fetch-private) lists two pages;
// the crawl form starts the crawl, its status follows it to "Crawl done" with both pages stored,
// and both are listed ready among the site's documents. A URL that is no sitemap ends the crawl
// failed, its reason shown.
//   node --experimental-websocket crawl.mjs   (PARLEY_URL, PARLEY_AGENT_PASSWORD: maya, an admin)
import http from 'node:http';
import { run, step, fail, watch, adminLogin } from './lib.mjs';

await run('crawl', async (browser) => {
  let base = '';
  /** @type {Record<string, [string, () => string]>} */
  const files = {
    '/sitemap.xml': ['application/xml', () => `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>${base}/returns.html</loc></url><url><loc>${base}/shipping.html</loc></url>
</urlset>`],
    '/returns.html': ['text/html', () => '<!doctype html><html><head><title>Returns</title></head>'
      + '<body><h1>Returns</h1><p>Send a kettle back within 30 days for your money.</p></body></html>'],
    '/shipping.html': ['text/html', () => '<!doctype html><html><head><title>Shipping</title></head>'
      + '<body><h1>Shipping</h1><p>Kettles leave the warehouse within two working days.</p></body></html>'],
  };
  const pages = http.createServer((req, res) => {
    const f = files[req.url ?? ''];
    res.writeHead(f ? 200 : 404, { 'content-type': f ? f[0] : 'text/plain' });
    res.end(f ? f[1]() : 'not found');
  });
  await new Promise((r) => pages.listen(0, '127.0.0.1', () => r(undefined)));
  base = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (pages.address()).port}`;
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  watch(page, 'crawl');
  try {
    await adminLogin(page);
    await page.click('#new-site');
    const form = page.locator('.site-form');
    await form.locator('[data-field=id]').fill('crawl-ui');
    await form.locator('[data-field=greeting]').fill('Welcome to the crawled shop');
    await form.locator('.buttons button[type=submit]').click();
    await page.locator('#site-form-title', { hasText: 'Site crawl-ui' }).waitFor({ timeout: 15000 });
    step('a site for the crawl is created');

    await page.click('.tab[data-tab=knowledge]');
    await page.selectOption('#knowledge-site', 'crawl-ui');
    await page.fill('#knowledge-crawl input[name=url]', `${base}/sitemap.xml`);
    await page.click('#knowledge-crawl button[type=submit]');
    const status = page.locator('#knowledge-crawl-status');
    await page.locator('#knowledge-crawl-status:not([data-state=running])').waitFor({ timeout: 60000 });
    if (await status.getAttribute('data-state') !== 'done') {
      fail('the crawl did not end done: ' + await status.textContent());
    }
    const text = await status.textContent() ?? '';
    if (!text.includes('2 pages found, 2 fetched, 2 stored, 0 unchanged, 0 failed')) {
      fail('the crawl status does not count both pages: ' + text);
    }
    step('the crawl form crawls the sitemap to the end: ' + text);
    for (const title of ['Returns', 'Shipping']) {
      await page.locator('#knowledge-table tbody tr', { hasText: title }).locator('td[data-status=ready]')
        .waitFor({ timeout: 10000 });
    }
    step('both pages are listed ready');

    await page.fill('#knowledge-crawl input[name=url]', `${base}/returns.html`);
    await page.click('#knowledge-crawl button[type=submit]');
    await page.locator('#knowledge-crawl-status[data-state=failed]').waitFor({ timeout: 60000 });
    const failed = await status.textContent() ?? '';
    if (!failed.includes('not a sitemap')) {
      fail('a page that is no sitemap does not say so: ' + failed);
    }
    step('a URL that is no sitemap ends the crawl failed with its reason');
    if (process.env.SCREENSHOT_DIR) {
      await page.screenshot({ path: `${process.env.SCREENSHOT_DIR}/admin-crawl.png` });
    }
  } finally {
    await context.close();
    pages.close();
  }
});
