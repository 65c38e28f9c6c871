// Browser test: search over conversations in the console — an agent types words from a visitor's
// message in the middle of a long transcript, finds the conversation with the words marked, clicks
// the result and sees that message scrolled into view and highlighted; a note is found and opened
// the same way; typed query syntax is a literal search ("Nothing found", no error).
import { run, step, fail, watch, consoleLogin, visitorWith, agent } from './lib.mjs';

run('search', async (browser) => {
  const { client: visitor, conv } = await visitorWith(12);
  await visitor.send(conv, 'My order QX-4471 never arrived, where is my parcel?');
  for (let i = 0; i < 12; i++) {
    await visitor.send(conv, `later line ${i}: more words so that the match is far from the bottom of the transcript`);
  }
  const maya = await agent();
  maya.join(`${conv}:notes`, 0);
  await maya.send(`${conv}:notes`, 'The walrus courier lost this one');
  step('a visitor wrote a long conversation with one message to find, and an agent a note');

  const page = await browser.newPage({ viewport: { width: 1100, height: 700 } });
  watch(page, 'console');
  await consoleLogin(page);
  await page.fill('#search-q', 'qx-4471 PARCEL');
  await page.press('#search-q', 'Enter');
  const result = page.locator(`#search-list li[data-result="${conv}"]`);
  await result.waitFor({ timeout: 15000 });
  const marked = await result.locator('mark').allTextContents();
  if (!marked.includes('QX') || !marked.includes('4471') || !marked.includes('parcel')) {
    fail(`the snippet marks ${JSON.stringify(marked)}`);
  }
  step('the search finds the conversation, the matching words marked');

  await result.click();
  const hit = page.locator('#log .msg[data-hit]');
  await hit.filter({ hasText: 'QX-4471' }).waitFor({ timeout: 15000 });
  // Once the whole history is in, the match must still be in view (not scrolled to the bottom).
  await page.locator('#log .msg', { hasText: 'later line 11' }).waitFor({ timeout: 15000 });
  await page.waitForTimeout(500);
  const inView = await hit.evaluate((el) => {
    const log = /** @type {HTMLElement} */ (document.getElementById('log')).getBoundingClientRect();
    const box = el.getBoundingClientRect();
    return box.top >= log.top - 1 && box.bottom <= log.bottom + 1;
  });
  if (!inView) {
    fail('the matching message is not in view');
  }
  if ((await hit.count()) !== 1) {
    fail(`${await hit.count()} messages are highlighted`);
  }
  if (process.env.SCREENSHOT_DIR) {
    await page.screenshot({ path: `${process.env.SCREENSHOT_DIR}/search.png` });
  }
  step('clicking it opens the transcript at the message, highlighted');

  await page.fill('#search-q', 'walrus');
  await page.press('#search-q', 'Enter');
  const note = page.locator(`#search-list li[data-result="${conv}"]`, { hasText: 'note' });
  await note.waitFor({ timeout: 15000 });
  await note.click();
  await page.locator('#notes li[data-hit]', { hasText: 'walrus courier' }).waitFor({ timeout: 15000 });
  if (!(await page.locator('#notes-box').evaluate((d) => /** @type {HTMLDetailsElement} */ (d).open))) {
    fail('the notes did not open');
  }
  step('a note is found and opened, highlighted');

  await page.fill('#search-q', '"NEAR(qx* AND');
  await page.press('#search-q', 'Enter');
  await page.locator('#search-error', { hasText: 'Nothing found.' }).waitFor({ timeout: 15000 });
  await page.fill('#search-q', '"qx*  (4471:');
  await page.press('#search-q', 'Enter');
  await result.waitFor({ timeout: 15000 });
  step('typed query syntax is searched literally');

  // A resolved conversation: the console has no event of it after a reload, the result tells it.
  maya.accept(conv);
  await page.locator('#c-status', { hasText: 'assigned' }).waitFor({ timeout: 15000 });
  maya.resolve(conv);
  await page.locator('#c-status', { hasText: 'resolved' }).waitFor({ timeout: 15000 });
  maya.close();
  await page.reload();
  await page.locator('#app').waitFor();
  await page.fill('#search-q', 'qx-4471');
  await page.click('#search summary');
  await page.selectOption('#search-status', 'resolved');
  await page.press('#search-q', 'Enter');
  await result.filter({ hasText: 'resolved' }).click();
  await hit.filter({ hasText: 'QX-4471' }).waitFor({ timeout: 15000 });
  if (!(await hit.evaluate((el) => el.classList.contains('visitor')))) {
    fail('the resolved conversation\'s visitor message is not shown as the visitor\'s');
  }
  await page.locator('#c-status', { hasText: 'resolved' }).waitFor({ timeout: 15000 });
  step('a resolved conversation opens from its result, the visitor told apart');
  visitor.close();
});
