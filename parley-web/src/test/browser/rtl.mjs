// Browser test: the widget in a right-to-left language. A page embeds it with data-lang="ar": the
// widget's root says dir="rtl" and lang="ar", the launcher sits in the mirrored (bottom-left)
// corner, the bot's greeting sits on the right with its text starting at the right, the visitor's
// own message on the left, the words are Arabic, and the server's queue message after "talk to a
// human" is Arabic too. Then a browser that prefers pt-BR, on a page without data-lang, gets the
// Portuguese widget, left to right. Last, a site whose operator set its language to Hebrew
// (appearance.lang) gets a Hebrew, mirrored widget on a page that says data-lang="en".
// Positions and computed styles, not pixels.
//   node --experimental-websocket rtl.mjs   (PARLEY_URL: a server whose site demo allows any origin)
import http from 'node:http';
import { run, step, fail, watch, agent, BASE } from './lib.mjs';

const parley = new URL(BASE);

/** A page of another origin embedding site `site`'s widget with `attrs`. @param {string} attrs */
async function hostPage(attrs, site = 'demo') {
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html><head><meta charset="utf-8"><title>Page</title></head>
<body><main><h1>Page</h1></main>
<script src="${parley.origin}/widget.js" data-site="${site}" ${attrs} async></script></body></html>`);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://localhost:${server.address().port}/` };
}

await run('rtl', async (browser) => {
  const ar = await hostPage('data-lang="ar"');
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 }, locale: 'en-US' });
  const page = await context.newPage();
  watch(page, 'rtl');
  try {
    await page.goto(ar.url);
    const widget = page.locator('#parley-widget');
    const launcher = widget.locator('.launcher');
    await launcher.waitFor({ timeout: 15000 });
    const root = await widget.evaluate((el) => ({ dir: el.getAttribute('dir'), lang: el.getAttribute('lang') }));
    if (root.dir !== 'rtl' || root.lang !== 'ar') {
      fail('the widget root is not dir=rtl lang=ar: ' + JSON.stringify(root));
    }
    const corner = await launcher.evaluate((el) => {
      const r = el.getBoundingClientRect();
      return { left: r.left, right: window.innerWidth - r.right, label: el.getAttribute('aria-label') };
    });
    if (!(corner.left < corner.right) || corner.left > 40) {
      fail('the launcher is not in the mirrored, bottom-left corner: ' + JSON.stringify(corner));
    }
    if (corner.label !== 'فتح المحادثة') {
      fail('the launcher\'s label is not Arabic: ' + JSON.stringify(corner));
    }
    step('the root is dir=rtl lang=ar; the launcher sits bottom-left with an Arabic label');
    await launcher.click();
    const greeting = widget.locator('.log .msg.theirs').first();
    await greeting.waitFor({ timeout: 15000 });
    const placed = await greeting.evaluate((el) => {
      const log = /** @type {HTMLElement} */ (el.closest('.log')).getBoundingClientRect();
      const r = el.getBoundingClientRect();
      const s = getComputedStyle(el);
      return { direction: s.direction, textAlign: s.textAlign, fromRight: log.right - r.right, fromLeft: r.left - log.left };
    });
    if (placed.direction !== 'rtl' || placed.fromRight > 20 || !(placed.fromLeft > placed.fromRight)) {
      fail('the bot\'s greeting is not on the right in a right-to-left flow: ' + JSON.stringify(placed));
    }
    step('the greeting sits on the right: ' + JSON.stringify(placed));
    const input = widget.locator('textarea');
    if ((await input.getAttribute('placeholder')) !== 'اكتب رسالة…') {
      fail('the placeholder is not Arabic');
    }
    await input.fill('مرحبا');
    await input.press('Enter');
    const mine = widget.locator('.log .msg.mine', { hasText: 'مرحبا' });
    await mine.waitFor({ timeout: 15000 });
    const own = await mine.evaluate((el) => {
      const log = /** @type {HTMLElement} */ (el.closest('.log')).getBoundingClientRect();
      const r = el.getBoundingClientRect();
      return { fromLeft: r.left - log.left, fromRight: log.right - r.right };
    });
    if (!(own.fromLeft < 20 && own.fromRight > own.fromLeft)) {
      fail('the visitor\'s own message is not on the mirrored (left) side: ' + JSON.stringify(own));
    }
    step('the visitor\'s own message sits on the left');
    // The bot is not sure about "hello" in Arabic: its Arabic answer, several lines, right-aligned.
    const answer = widget.locator('.log .msg.theirs', { hasText: 'أعضاء الفريق' });
    await answer.waitFor({ timeout: 15000 });
    const lines = await answer.evaluate((el) => {
      const r = el.getBoundingClientRect();
      const range = document.createRange();
      range.selectNodeContents(/** @type {HTMLElement} */ (el.querySelector('.text') ?? el));
      // the text's boxes (one per text node and bidi run) gathered into lines by their top
      /** @type {Map<number, {left: number, right: number}>} */
      const byLine = new Map();
      for (const x of range.getClientRects()) {
        if (x.width > 0) {
          const top = Math.round(x.top);
          const line = byLine.get(top) ?? { left: Infinity, right: -Infinity };
          byLine.set(top, { left: Math.min(line.left, x.left), right: Math.max(line.right, x.right) });
        }
      }
      const lines = [...byLine.values()];
      return {
        direction: getComputedStyle(el).direction, count: lines.length,
        // each line's distance from the bubble's right and left edges
        fromRight: lines.map((x) => Math.round(r.right - x.right)), fromLeft: lines.map((x) => Math.round(x.left - r.left)),
      };
    });
    if (lines.direction !== 'rtl' || lines.count < 2 || lines.fromRight.some((d) => d < 0 || d > 16)) {
      fail('the Arabic answer is not right-aligned: ' + JSON.stringify(lines));
    }
    if (!lines.fromLeft.some((d) => d > 20)) {
      fail('no line of the Arabic answer is short of the left edge, so its alignment shows nothing: ' + JSON.stringify(lines));
    }
    step('the bot\'s Arabic answer renders right-aligned: ' + JSON.stringify(lines));
    await widget.locator('button.human', { hasText: 'التحدث إلى شخص' }).click({ timeout: 15000 });
    await widget.locator('.log .msg.system', { hasText: 'أنت في قائمة الانتظار' }).waitFor({ timeout: 15000 });
    step('"talk to a human" in Arabic: the server\'s queue message is Arabic');
    if (process.env.SCREENSHOT_DIR) {
      await page.screenshot({ path: `${process.env.SCREENSHOT_DIR}/widget-rtl.png` });
    }
  } finally {
    await context.close();
    ar.server.close();
  }

  const plain = await hostPage('');
  const pt = await browser.newContext({ viewport: { width: 1100, height: 800 }, locale: 'pt-BR' });
  const page2 = await pt.newPage();
  watch(page2, 'pt');
  try {
    await page2.goto(plain.url);
    const widget = page2.locator('#parley-widget');
    const launcher = widget.locator('.launcher');
    await launcher.waitFor({ timeout: 15000 });
    const seen = await widget.evaluate((el) => ({
      dir: el.getAttribute('dir'), lang: el.getAttribute('lang'),
      label: el.shadowRoot?.querySelector('.launcher')?.getAttribute('aria-label'),
      right: window.innerWidth - (el.shadowRoot?.querySelector('.launcher')?.getBoundingClientRect().right ?? 0),
    }));
    if (seen.dir !== 'ltr' || seen.lang !== 'pt' || seen.label !== 'Abrir chat' || seen.right > 40) {
      fail('a pt-BR browser does not get the Portuguese widget, bottom-right: ' + JSON.stringify(seen));
    }
    step('a pt-BR browser without data-lang gets Portuguese, left to right, bottom-right');
  } finally {
    await pt.close();
    plain.server.close();
  }

  const en = await hostPage('data-lang="en"', 'hebrew');
  const origin = new URL(en.url).origin;
  const admin = await agent();
  const res = await fetch(`${BASE}/api/admin/sites`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ id: 'hebrew', greeting: 'Welcome!', allowedOrigins: [origin], appearance: { lang: 'he' } }),
  });
  admin.close();
  if (res.status !== 201) {
    fail(`the Hebrew site was not created: ${res.status} ${await res.text()}`);
  }
  const he = await browser.newContext({ viewport: { width: 1100, height: 800 }, locale: 'en-US' });
  const page3 = await he.newPage();
  watch(page3, 'he');
  try {
    await page3.goto(en.url);
    const widget = page3.locator('#parley-widget');
    await widget.locator('.launcher[aria-label="פתיחת צ׳אט"]').waitFor({ timeout: 15000 });
    const seen = await widget.evaluate((el) => ({
      dir: el.getAttribute('dir'), lang: el.getAttribute('lang'),
      left: el.shadowRoot?.querySelector('.launcher')?.getBoundingClientRect().left ?? -1,
    }));
    if (seen.dir !== 'rtl' || seen.lang !== 'he' || seen.left > 40) {
      fail('the site\'s language does not win over data-lang: ' + JSON.stringify(seen));
    }
    step('a site whose language is Hebrew gets a Hebrew, mirrored widget over data-lang="en"');
  } finally {
    await he.close();
    en.server.close();
  }
});
