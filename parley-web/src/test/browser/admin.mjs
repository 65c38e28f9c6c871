// Browser test: the admin page drives the live configuration (issue 16). An admin logs in, creates
// a site and an agent, changes the site's accent colour and sees the preview (the real widget)
// change, saves, and the widget on a page of that site (another origin) wears the new colour and
// greets with the site's greeting; a bad origin gets its error beside the field, an edit over a
// version someone else changed says so, and the data protection section erases a visitor only after
// a confirm.
//   node --experimental-websocket admin.mjs   (PARLEY_URL, PARLEY_AGENT_PASSWORD: maya, an admin)
import http from 'node:http';
import { run, step, fail, watch, agent, PASSWORD, BASE } from './lib.mjs';

const parley = new URL(BASE);

/** The background colour of the launcher inside `widget` (a #parley-widget locator). */
async function launcherColour(widget) {
  return widget.locator('.launcher').evaluate((el) => getComputedStyle(el).backgroundColor);
}

await run('admin', async (browser) => {
  const site = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Acme</title></head>
<body><main><h1>Acme</h1></main><script src="${parley.origin}/widget.js" data-site="acme-ui" data-lang="en" async></script></body></html>`);
  });
  await new Promise((r) => site.listen(0, '127.0.0.1', r));
  const origin = `http://localhost:${site.address().port}`;
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  watch(page, 'admin');
  try {
    await page.goto(BASE + '/dashboard/');
    await page.click('a[href="../admin/"]');
    await page.waitForURL(/\/admin\/$/);
    await page.fill('#login input[name=user]', 'maya');
    await page.fill('#login input[name=password]', PASSWORD);
    await page.click('#login button[type=submit]');
    await page.locator('#app').waitFor();
    step('logged in from the dashboard\'s link');

    // A new site with a bad origin: the error shows beside the field.
    await page.click('#new-site');
    const form = page.locator('.site-form');
    await form.locator('[data-field=id]').fill('acme-ui');
    await form.locator('[data-field=name]').fill('Acme UI');
    await form.locator('[data-field=allowedOrigins]').fill(`${origin}\nftp://nope`);
    await form.locator('[data-field=greeting]').fill('Welcome to Acme, from the admin page!');
    await form.locator('.buttons button[type=submit]').click();
    const error = form.locator('[data-field=allowedOrigins] ~ .field-error');
    await error.waitFor({ timeout: 15000 });
    if (!(await error.textContent()).includes('ftp://nope')) {
      fail('the origin error does not name the origin: ' + await error.textContent());
    }
    if (await form.locator('[data-field=allowedOrigins]').getAttribute('aria-invalid') !== 'true') {
      fail('the origins field is not marked invalid');
    }
    step('a bad origin shows its error beside the field');
    await form.locator('[data-field=allowedOrigins]').fill(origin);
    await form.locator('.buttons button[type=submit]').click();
    await page.locator('#site-form-title', { hasText: 'Site acme-ui' }).waitFor({ timeout: 15000 });
    await page.locator('#site-list', { hasText: 'Acme UI' }).waitFor();
    step('the site is created and listed');

    // The preview is the real widget: it follows the accent colour as it is typed.
    const preview = page.locator('.site-form .preview #parley-widget');
    await preview.locator('.launcher').waitFor({ timeout: 15000 });
    const before = await launcherColour(preview);
    await page.locator('.site-form [data-field="appearance.accent"]').fill('#aa3300');
    await page.waitForFunction(() => {
      const l = document.querySelector('.preview #parley-widget')?.shadowRoot?.querySelector('.launcher');
      return l && getComputedStyle(l).backgroundColor === 'rgb(170, 51, 0)';
    }, null, { timeout: 15000 });
    step(`the preview changes colour as the accent is typed (${before} → rgb(170, 51, 0))`);
    await page.locator('.site-form .buttons button[type=submit]').click();
    await page.locator('#status', { hasText: 'saved' }).waitFor({ timeout: 15000 });
    step('saved');

    // A German greeting, saved, greets the preview when it speaks German.
    await page.locator('.site-form button', { hasText: 'Add a language' }).click();
    const row = page.locator('.site-form .lang-row').first();
    await row.locator('input').first().fill('de');
    await row.locator('textarea').fill('Hallo aus Acme!');
    const savedBefore = await page.locator('#status').textContent();
    await page.locator('.site-form .buttons button[type=submit]').click();
    await page.waitForFunction((was) => {
      const now = document.getElementById('status')?.textContent ?? '';
      return now !== was && now.includes('saved');
    }, savedBefore, { timeout: 15000 });
    await page.locator('.site-form [data-field="preview.lang"]').fill('de');
    await page.locator('.site-form [data-field="preview.lang"]').press('Tab');
    await preview.locator('.launcher[aria-label="Chat öffnen"]').click({ timeout: 10000 });
    await preview.locator('.log .msg.theirs', { hasText: 'Hallo aus Acme!' }).waitFor({ timeout: 15000 });
    step('a German greeting, saved, greets the preview in German');

    // Someone else changes the site: saving over the old version says so.
    const other = await agent();
    const res = await fetch(`${BASE}/api/admin/sites/acme-ui`, { headers: { authorization: `Bearer ${other.token}` } });
    const current = await res.json();
    for (const k of ['version', 'updatedAt', 'identitySecretSet']) {
      delete current[k];
    }
    current.name = 'Acme (changed elsewhere)';
    const put = await fetch(`${BASE}/api/admin/sites/acme-ui`, {
      method: 'PUT', headers: { authorization: `Bearer ${other.token}`, 'content-type': 'application/json' }, body: JSON.stringify(current),
    });
    other.close();
    if (put.status !== 200) {
      fail(`the other admin's change failed: ${put.status}`);
    }
    await page.locator('.site-form [data-field=name]').fill('Acme mine');
    await page.locator('.site-form .buttons button[type=submit]').click();
    await page.locator('.site-form .form-error', { hasText: 'changed by someone else' }).waitFor({ timeout: 15000 });
    await page.locator('.site-form .form-error button', { hasText: 'Reload' }).click();
    await page.waitForFunction(
      () => /** @type {HTMLInputElement|null} */ (document.querySelector('.site-form [data-field=name]'))?.value === 'Acme (changed elsewhere)',
      null, { timeout: 15000 });
    step('saving over a version someone else changed says so, and Reload shows theirs');

    // An agent for the site.
    await page.click('.tab[data-tab=agents]');
    await page.click('#new-agent');
    const agentForm = page.locator('.agent-form');
    await agentForm.locator('[data-field=user]').fill('ana-ui');
    await agentForm.locator('[data-field=name]').fill('Ana');
    await agentForm.locator('.days label', { hasText: 'acme-ui' }).click();
    await agentForm.locator('[data-field=capacity]').fill('2');
    await agentForm.locator('[data-field=password]').fill('anas-long-password');
    await agentForm.locator('button[type=submit]').click();
    await page.locator('#agent-list', { hasText: 'Ana' }).waitFor({ timeout: 15000 });
    step('an agent is created for the site');
    // Knowledge: an HTML page uploaded for the site is ready; a broken PDF fails with its reason
    // and is deleted; re-index; the delivery log of a site with no event webhook is empty.
    await page.click('.tab[data-tab=knowledge]');
    await page.selectOption('#knowledge-site', 'acme-ui');
    await page.setInputFiles('#knowledge-file', {
      name: 'returns.html', mimeType: 'text/html',
      buffer: Buffer.from('<html><head><title>Returns</title></head><body><h1>Returns policy</h1>'
        + '<p>Acme takes back unworn boots within 45 days of delivery, free of charge.</p></body></html>'),
    });
    await page.locator('#knowledge-table tbody tr', { hasText: 'Returns' }).locator('td[data-status=ready]').waitFor({ timeout: 20000 });
    step('an HTML page uploaded on the knowledge tab is ready');
    await page.setInputFiles('#knowledge-file', { name: 'broken.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\nnot really a pdf') });
    const broken = page.locator('#knowledge-table tbody tr', { hasText: 'broken.pdf' });
    await broken.locator('td[data-status=failed]').waitFor({ timeout: 20000 });
    page.once('dialog', (d) => d.accept());
    await broken.locator('button', { hasText: 'Delete' }).click();
    await broken.waitFor({ state: 'detached', timeout: 10000 });
    step('a PDF that cannot be read shows as failed with its reason, and is deleted');
    await page.click('#knowledge-reindex');
    await page.locator('#status', { hasText: 'Re-indexed acme-ui' }).waitFor({ timeout: 10000 });
    await page.click('.tab[data-tab=deliveries]');
    await page.selectOption('#deliveries-site', 'acme-ui');
    await page.locator('#deliveries-loading', { hasText: 'No deliveries' }).waitFor({ timeout: 10000 });
    step('re-indexed; the delivery log of a site without event webhooks says it is empty');
    await page.click('.tab[data-tab=audit]');
    await page.locator('#audit-table tbody tr', { hasText: 'ana-ui' }).first().waitFor({ timeout: 15000 });
    step('the audit log shows the changes');

    // The site's own page: the widget wears the saved colour and greets with the site's greeting.
    const visitor = await context.newPage();
    watch(visitor, 'acme page');
    await visitor.goto(origin + '/');
    const widget = visitor.locator('#parley-widget');
    await widget.locator('.launcher').waitFor({ timeout: 15000 });
    const colour = await launcherColour(widget);
    if (colour !== 'rgb(170, 51, 0)') {
      fail(`the widget on the site's page is ${colour}, not the saved accent`);
    }
    await widget.locator('.launcher').click();
    await widget.locator('.log .msg.theirs', { hasText: 'Welcome to Acme, from the admin page!' }).waitFor({ timeout: 15000 });
    step('the widget on the site\'s page wears the new colour and greets with the site\'s greeting');
    await widget.locator('textarea').fill('Can I return my boots?');
    await widget.locator('textarea').press('Enter');
    await widget.locator('.log .msg.theirs', { hasText: 'within 45 days' }).waitFor({ timeout: 20000 });
    step('the bot answers from the page uploaded a moment before');

    // Data protection: an erasure asks first; Cancel sends nothing, Yes erases and is audited.
    await page.click('.tab[data-tab=privacy]');
    await page.locator('#privacy-site option[value="acme-ui"]').waitFor({ state: 'attached', timeout: 15000 });
    await page.selectOption('#privacy-site', 'acme-ui');
    await page.fill('#privacy-visitor', 'v_nobody-ui');
    await page.click('#privacy-erase');
    await page.locator('#privacy-question', { hasText: 'v_nobody-ui' }).waitFor({ timeout: 15000 });
    await page.click('#privacy-no');
    await page.locator('#privacy-result', { hasText: 'Cancelled' }).waitFor({ timeout: 15000 });
    await page.click('#privacy-erase');
    await page.click('#privacy-yes');
    await page.locator('#privacy-result', { hasText: 'Erased: 0 message(s) in 0 conversation(s)' }).waitFor({ timeout: 15000 });
    await page.click('.tab[data-tab=audit]');
    await page.locator('#audit-table tbody tr', { hasText: 'erase-visitor' }).first().waitFor({ timeout: 15000 });
    step('the data protection section erases a visitor after a confirm, and the audit log shows it');
    if (process.env.SCREENSHOT_DIR) {
      await page.click('.tab[data-tab=sites]');
      await page.screenshot({ path: `${process.env.SCREENSHOT_DIR}/admin.png`, fullPage: true });
    }
  } finally {
    await context.close();
    site.close();
  }
});
