// Browser test: several conversations at once in the console (issue 18). Two visitors talk to one
// agent: the conversation not open shows its unread count and "typing…" while its visitor types;
// switching (by mouse, then Alt+Up/Alt+Down) keeps each conversation's draft and scroll position;
// opening one marks it read; the counts come from the server's read positions, so a reload keeps
// them (and the drafts, in sessionStorage). On a phone the list and the transcript are two panes.
import { run, step, fail, watch, consoleLogin, visitorWith } from './lib.mjs';

run('console-desk', async (browser) => {
  const a = await visitorWith(30); // long enough to scroll
  const b = await visitorWith(1);
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  watch(page, 'console');
  await consoleLogin(page);
  const itemA = page.locator(`#queue li[data-conv="${a.conv}"]`);
  const itemB = page.locator(`#queue li[data-conv="${b.conv}"]`);
  await itemA.locator('.unread', { hasText: '30' }).waitFor({ timeout: 15000 });
  await itemB.locator('.unread', { hasText: '1' }).waitFor({ timeout: 15000 });
  step('both queued conversations show their unread counts before being opened');

  await itemA.click();
  await page.locator('#log .msg', { hasText: 'line 30:' }).waitFor({ timeout: 15000 });
  await itemA.locator('.unread').waitFor({ state: 'detached', timeout: 15000 });
  if (await itemA.getAttribute('aria-current') !== 'true') {
    fail('the open conversation is not marked aria-current');
  }
  await page.fill('#text', 'draft for A, not sent');
  const scrolledA = await page.evaluate(() => {
    const log = /** @type {HTMLElement} */ (document.getElementById('log'));
    log.scrollTop = 120;
    return log.scrollTop;
  });
  if (scrolledA < 100) {
    fail(`the transcript of A does not scroll: ${scrolledA}`);
  }
  step('opening A marks it read; a draft typed and the transcript scrolled up');

  await b.client.send(b.conv, 'hello from B');
  b.client.typing(b.conv, true);
  await itemB.locator('.unread', { hasText: '2' }).waitFor({ timeout: 15000 });
  await itemB.locator('.typing-mark', { hasText: 'typing…' }).waitFor({ timeout: 15000 });
  step('B, not open, shows 2 unread and its visitor typing');
  b.client.typing(b.conv, false);
  await itemB.locator('.preview', { hasText: 'hello from B' }).waitFor({ timeout: 15000 });
  step('when B stops typing, its last message shows');

  await itemB.click();
  await page.locator('#log .msg', { hasText: 'hello from B' }).waitFor({ timeout: 15000 });
  if (await page.inputValue('#text') !== '') {
    fail(`B shows A's draft: ${await page.inputValue('#text')}`);
  }
  await itemB.locator('.unread').waitFor({ state: 'detached', timeout: 15000 });
  await page.fill('#text', 'draft for B');
  step('B opened: read, with an empty composer; a draft typed for B');

  await page.keyboard.press('Alt+ArrowUp');
  await page.locator('#log .msg', { hasText: 'line 30:' }).waitFor({ timeout: 15000 });
  const back = await page.evaluate(() => ({
    text: /** @type {HTMLTextAreaElement} */ (document.getElementById('text')).value,
    top: /** @type {HTMLElement} */ (document.getElementById('log')).scrollTop,
  }));
  if (back.text !== 'draft for A, not sent' || Math.abs(back.top - scrolledA) > 2) {
    fail(`back in A (Alt+Up) the draft and scroll should be kept: ${JSON.stringify(back)} (scrolled to ${scrolledA})`);
  }
  step('Alt+Up back to A: its draft and scroll position are kept');
  await page.keyboard.press('Alt+ArrowDown');
  await page.locator('#log .msg', { hasText: 'hello from B' }).waitFor({ timeout: 15000 });
  if (await page.inputValue('#text') !== 'draft for B') {
    fail(`B's draft is lost: ${await page.inputValue('#text')}`);
  }
  step('Alt+Down to B: its draft is kept');

  await itemA.focus();
  await page.keyboard.press('ArrowDown');
  const focused = await page.evaluate(() => /** @type {HTMLElement} */ (document.activeElement).dataset.conv);
  if (focused === a.conv || !focused) {
    fail(`ArrowDown did not move along the list: ${focused}`);
  }
  step('the list is navigable with the arrow keys');

  await a.client.send(a.conv, 'one more from A');
  await itemA.locator('.unread', { hasText: '1' }).waitFor({ timeout: 15000 });
  await page.reload();
  await page.locator('#app').waitFor();
  await itemA.locator('.unread', { hasText: '1' }).waitFor({ timeout: 15000 });
  const bAfter = await itemB.locator('.unread').count();
  if (bAfter) {
    fail('B was read before the reload but shows unread messages after it');
  }
  await itemA.click();
  await page.locator('#log .msg', { hasText: 'one more from A' }).waitFor({ timeout: 15000 });
  if (await page.inputValue('#text') !== 'draft for A, not sent') {
    fail(`A's draft did not survive the reload: ${await page.inputValue('#text')}`);
  }
  step('after a reload the counts come from the read positions and the draft from sessionStorage');
  await page.close();

  const phone = await browser.newContext({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
  const small = await phone.newPage();
  watch(small, 'phone');
  await consoleLogin(small);
  const itemOnPhone = small.locator(`#queue li[data-conv="${b.conv}"]`);
  await itemOnPhone.waitFor({ timeout: 15000 });
  if (await small.locator('#conversation').isVisible()) {
    fail('on a phone the transcript pane shows before a conversation is opened');
  }
  await itemOnPhone.click();
  await small.locator('#log .msg', { hasText: 'hello from B' }).waitFor({ timeout: 15000 });
  if (await small.locator('#lists').isVisible()) {
    fail('on a phone the list stays shown beside the open conversation');
  }
  await small.click('#to-list');
  await itemOnPhone.waitFor({ state: 'visible' });
  step('on a phone the list and the transcript are two panes');
  await phone.close();

  a.client.close();
  b.client.close();
});
