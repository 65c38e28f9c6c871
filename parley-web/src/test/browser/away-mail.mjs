// Browser test: the help desk's visitor story (issue 18, "Done when"). A visitor whose browser speaks
// Arabic opens the widget of a site with a pre-chat form while none of its agents is online: the
// widget is Arabic and mirrored (dir=rtl) with the site's Arabic greeting; the form's labels and its
// refusals under each field are Arabic; the filled form is accepted. The visitor asks in Arabic for
// a person: queued, and the widget offers to leave an email address (away mail) in Arabic, the
// form's address filled in (the offer waits while the form shows); the visitor leaves it and goes.
// Later the agent logs in to the console, accepts the conversation and answers; the admin API's mail
// log shows the reply mailed. The mail itself (to the visitor's address, with the reply's text) is
// checked by the Java side (BrowserTest) in its in-process SMTP server.
//   node --experimental-websocket away-mail.mjs   (PARLEY_URL: a server that sends mail, whose site
//   `souq` has a pre-chat form (name, email) and an Arabic greeting, maya its only agent, offline;
//   PARLEY_VISITOR_EMAIL, PARLEY_AGENT_REPLY: what the visitor leaves and the agent answers)
import http from 'node:http';
import { run, step, fail, watch, consoleLogin, agent, BASE } from './lib.mjs';

const parley = new URL(BASE);
const SITE = 'souq';
const EMAIL = process.env.PARLEY_VISITOR_EMAIL || 'layla@example.com';
const REPLY = process.env.PARLEY_AGENT_REPLY || 'مرحبًا ليلى، طلبك في الطريق.';
/** The widget's Arabic words this story expects (widget/languages/world.js). */
const AR = {
  name: 'اسمك *', email: 'بريدك الإلكتروني *', required: 'يرجى ملء هذا الحقل.', invalid: 'يرجى إدخال بريد إلكتروني صالح.',
  away: 'لسنا متاحين الآن — اترك بريدك الإلكتروني وسنرد عليك.', onFile: 'شكرًا — إن غادرت قبل ذلك فسنرد عليك عبر بريدك الإلكتروني.',
};

/** The text of `locator` (trimmed). */
const textOf = async (locator) => ((await locator.textContent()) ?? '').trim();

await run('away-mail', async (browser) => {
  const host = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html><head><meta charset="utf-8"><title>Souq — Orders</title></head>
<body><main><h1>Orders</h1></main>
<script src="${parley.origin}/widget.js" data-site="${SITE}" async></script></body></html>`);
  });
  await new Promise((r) => host.listen(0, '127.0.0.1', r));
  const visitorContext = await browser.newContext({ viewport: { width: 1000, height: 800 }, locale: 'ar-SA' });
  const page = await visitorContext.newPage();
  watch(page, 'widget');
  let conv = '';
  try {
    await page.goto(`http://localhost:${host.address().port}/orders`);
    const widget = page.locator('#parley-widget');
    await widget.locator('.launcher').click({ timeout: 15000 });
    const root = await widget.evaluate((el) => ({ dir: el.getAttribute('dir'), lang: el.getAttribute('lang') }));
    if (root.dir !== 'rtl' || root.lang !== 'ar') {
      fail('an Arabic browser does not get the mirrored Arabic widget: ' + JSON.stringify(root));
    }
    step('an Arabic browser without data-lang gets the widget in Arabic, dir=rtl');

    const form = widget.locator('form.prechat');
    await form.waitFor({ timeout: 15000 });
    if (!(await widget.locator('form.mail').isHidden())) {
      fail('the away offer shows beside the pre-chat form');
    }
    const labels = [await textOf(form.locator('label[for="parley-prechat-name"]')), await textOf(form.locator('label[for="parley-prechat-email"]'))];
    if (labels[0] !== AR.name || labels[1] !== AR.email) {
      fail('the pre-chat form\'s labels are not Arabic: ' + JSON.stringify(labels));
    }
    await form.locator('button[type="submit"]').click();
    const nameError = form.locator('#parley-prechat-name-error');
    await nameError.filter({ hasText: /./ }).waitFor({ timeout: 15000 });
    if ((await textOf(nameError)) !== AR.required) {
      fail('an empty required field is not refused in Arabic: ' + (await textOf(nameError)));
    }
    await form.locator('#parley-prechat-name').fill('ليلى حسن');
    await form.locator('#parley-prechat-email').fill('layla@');
    await form.locator('button[type="submit"]').click();
    const emailError = form.locator('#parley-prechat-email-error');
    await emailError.filter({ hasText: AR.invalid }).waitFor({ timeout: 15000 })
      .catch(async () => fail('a wrong address is not refused in Arabic: ' + (await textOf(emailError))));
    if ((await textOf(nameError)) !== '') {
      fail('the filled name still shows an error');
    }
    const reads = await form.locator('#parley-prechat-email').evaluate((el) => getComputedStyle(el).direction);
    if (reads !== 'ltr') {
      fail('the address field does not read left to right in the mirrored widget: ' + reads);
    }
    step('the pre-chat form\'s labels and its refusals under each field are Arabic; the address reads left to right');
    if (process.env.SCREENSHOT_DIR) {
      await page.screenshot({ path: `${process.env.SCREENSHOT_DIR}/widget-away-prechat.png` });
    }
    await form.locator('#parley-prechat-email').fill(EMAIL);
    await form.locator('button[type="submit"]').click();
    await form.waitFor({ state: 'hidden', timeout: 15000 });
    const input = widget.locator('textarea[part="input"]');
    await input.waitFor({ timeout: 15000 });
    await widget.locator('.log .msg.theirs', { hasText: 'مرحبًا بك في سوق' }).waitFor({ timeout: 15000 });
    step('the filled form is accepted; the site\'s Arabic greeting shows');

    await input.fill('أريد التحدث مع موظف من فضلك');
    await input.press('Enter');
    await widget.locator('.log .msg.system', { hasText: 'قائمة الانتظار' }).waitFor({ timeout: 15000 });
    conv = await page.evaluate(() => /** @type {any} */ (window).parleyWidget.transcript.state.conv);
    step(`asked in Arabic for a person: ${conv} is queued`);

    const offer = widget.locator('form.mail');
    await offer.waitFor({ timeout: 15000 });
    const question = await textOf(offer.locator('.question'));
    if (question !== AR.away) {
      fail('the offer to leave an email is not the Arabic one: ' + question);
    }
    const prefilled = await offer.locator('#parley-mail-email').inputValue();
    if (prefilled !== EMAIL) {
      fail('the offer does not hold the address of the pre-chat form: ' + prefilled);
    }
    await offer.locator('button[type="submit"]').click();
    await widget.locator('p.thanks', { hasText: AR.onFile }).waitFor({ timeout: 15000 });
    if (!(await offer.isHidden())) {
      fail('the offer stays after the address is on file');
    }
    step('with nobody online the widget offers, in Arabic, to leave an email; the address is on file');
    if (process.env.SCREENSHOT_DIR) {
      await page.screenshot({ path: `${process.env.SCREENSHOT_DIR}/widget-away-mail.png` });
    }
  } finally {
    await visitorContext.close(); // the visitor goes: the agent's reply is mailed
    host.close();
  }
  step('the visitor left');

  const agentContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const consolePage = await agentContext.newPage();
  watch(consolePage, 'console');
  try {
    await consoleLogin(consolePage);
    const queued = consolePage.locator(`#queue li[data-conv="${conv}"]`);
    await queued.waitFor({ timeout: 15000 });
    await queued.click();
    await consolePage.locator('#log .msg.visitor', { hasText: 'موظف' }).waitFor({ timeout: 15000 });
    await consolePage.click('#accept');
    await consolePage.fill('#text', REPLY);
    await consolePage.press('#text', 'Enter');
    await consolePage.locator('#log .msg.agent', { hasText: REPLY }).waitFor({ timeout: 15000 });
    step('later the agent accepts the conversation in the console and answers');
  } finally {
    await agentContext.close();
  }

  const maya = await agent();
  try {
    for (let i = 0; ; i++) {
      const res = await fetch(`${BASE}/api/admin/mail?site=${SITE}`, { headers: { authorization: `Bearer ${maya.token}` } });
      const mails = await res.json();
      const reply = mails.find((m) => m.conversation === conv && m.kind === 'reply');
      if (reply?.status === 'sent') {
        break;
      }
      if (reply?.status === 'failed' || i === 150) {
        fail('the reply was not mailed: ' + JSON.stringify(mails));
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    maya.close();
  }
  step(`the mail log shows the agent's reply mailed to the visitor (conversation ${conv})`);
});
