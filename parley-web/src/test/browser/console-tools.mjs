// Browser test: the console's tools for a conversation — an internal note the visitor never
// receives (its stream stays gapless), a label shown in the header and the list, and a canned
// response of the site inserted by typing /shortcut (arrows, Enter; Escape closes the menu).
import { run, step, fail, watch, consoleLogin, visitorWith, agent, BASE } from './lib.mjs';

run('console-tools', async (browser) => {
  const maya = await agent();
  const put = await fetch(`${BASE}/api/sites/demo/canned/thanks-wait`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${maya.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ text: 'Thanks for waiting, I am looking into it now.' }),
  });
  if (put.status !== 201 && put.status !== 200) {
    fail(`canned response not saved: ${put.status} ${await put.text()}`);
  }
  maya.close();
  step('a canned response of the site is on the server');

  const { client: visitor, conv } = await visitorWith(1);
  /** @type {{seq: number, text: string, conv: string}[]} */
  const seen = [];
  visitor.on('message', (m) => seen.push(m));

  const page = await browser.newPage();
  watch(page, 'console');
  await consoleLogin(page);
  const queued = page.locator(`#queue li[data-conv="${conv}"]`);
  await queued.waitFor({ timeout: 15000 });
  await queued.click();
  await page.click('#accept');
  await page.locator('#c-status', { hasText: 'assigned' }).waitFor({ timeout: 15000 });
  step('the agent accepted the conversation');

  await page.click('#notes-box summary');
  await page.fill('#note-text', 'Internal: customer is a VIP');
  await page.click('#note-send');
  await page.locator('#notes li', { hasText: 'customer is a VIP' }).waitFor({ timeout: 15000 });
  await page.locator('#notes-count', { hasText: '(1)' }).waitFor();
  step('the note is shown to the agent');

  await page.fill('#label-add', 'vip');
  await page.press('#label-add', 'Enter');
  await page.locator('#c-labels .label', { hasText: 'vip' }).waitFor({ timeout: 15000 });
  await page.locator(`#mine li[data-conv="${conv}"] .sub`, { hasText: '#vip' }).waitFor({ timeout: 15000 });
  step('the label is shown in the header and the list');

  await page.locator('#text').pressSequentially('/tha');
  const option = page.locator('#canned-menu li', { hasText: '/thanks-wait' });
  await option.waitFor({ timeout: 15000 });
  await page.press('#text', 'Escape');
  await page.locator('#canned-menu').waitFor({ state: 'hidden' });
  await page.fill('#text', '');
  await page.locator('#text').pressSequentially('/thanks');
  await option.waitFor({ timeout: 15000 });
  await page.press('#text', 'Enter');
  const inserted = await page.inputValue('#text');
  if (inserted !== 'Thanks for waiting, I am looking into it now.') {
    fail(`Enter inserted ${JSON.stringify(inserted)}`);
  }
  step('/shortcut offers the canned response and Enter inserts it');
  await page.press('#text', 'Enter');

  for (let i = 0; i < 400 && !seen.some((m) => m.text.startsWith('Thanks for waiting')); i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  if (!seen.some((m) => m.text.startsWith('Thanks for waiting'))) {
    fail('the visitor did not get the reply');
  }
  const mine = seen.filter((m) => m.conv === conv).map((m) => m.seq).sort((a, b) => a - b);
  const gapless = mine.every((s, i) => i === 0 || s === mine[i - 1] + 1);
  if (seen.some((m) => m.text.includes('VIP') || m.conv.endsWith(':notes')) || !gapless) {
    fail(`the visitor saw a note or a gap: ${JSON.stringify(seen.map((m) => [m.conv, m.seq, m.text]))}`);
  }
  step('the visitor got the reply, no note, no gap');
  visitor.close();
});
