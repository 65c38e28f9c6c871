// Browser test: attachments in the widget and the console (issue 17). A visitor on a phone-sized
// page pastes a screenshot into the widget's text box, sees its upload's progress bar fill and
// sends it with no text (no empty bubble); the agent accepts the conversation in the console, sees
// the thumbnail, opens the full-size viewer (a dialog named by the file) and closes it with Escape
// (focus back on the thumbnail); the agent attaches a PDF with the 📎 button's file input and sends
// it with a line of text; the visitor sees a file card (name, type, size) whose link downloads it.
// A dropped file is removed from the keyboard with its "Remove <name>" button (focus to the next
// file's) and is not sent. A fresh visitor whose first act is pasting an image sends it (the
// upload opens the conversation its first message would have).
// Emoji and times: a click on an emoji counts in the length counter (the send button follows); the
// visitor opens the emoji picker from the keyboard, moves with the arrows, inserts 👍 at the caret
// with Enter (focus back in the text box), Escape and a click outside close it; the message goes
// out and the agent sees it with its time (`time.ts[datetime]`), as the visitor does once acked.
import assert from 'node:assert/strict';
import { run, step, fail, watch, consoleLogin, assertInside, BASE } from './lib.mjs';

/** A minimal PDF: what the server detects as application/pdf. */
const PDF = '%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n'
  + 'trailer << /Root 1 0 R >>\n%%EOF\n';

/**
 * Pastes a screenshot (a 640 × 400 PNG drawn on a canvas) named `name` into the text box `box`, as
 * the clipboard would give it.
 * @param {import('playwright-core').Locator} box @param {string} name
 */
async function pasteScreenshot(box, name) {
  await box.evaluate(async (el, fileName) => {
    const canvas = document.createElement('canvas');
    canvas.width = 640;
    canvas.height = 400;
    const g = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
    g.fillStyle = '#3451d1';
    g.fillRect(0, 0, 640, 400);
    g.fillStyle = '#ffb300';
    g.fillRect(40, 40, 300, 120);
    const blob = await new Promise((r) => canvas.toBlob(r, 'image/png'));
    const data = new DataTransfer();
    data.items.add(new File([/** @type {Blob} */ (blob)], fileName, { type: 'image/png' }));
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, name);
}

run('attachments', async (browser) => {
  const visitor = await browser.newPage({ viewport: { width: 390, height: 780 } });
  watch(visitor, 'widget');
  // File choosers intercepted from the start: Playwright turns interception on asynchronously when
  // the first listener is added, so a listener added just before the key press could miss the chooser.
  visitor.on('filechooser', () => {});
  await visitor.goto(BASE + '/');
  const widget = visitor.locator('#parley-widget');
  await widget.locator('.launcher').click({ timeout: 15000 });
  const log = widget.locator('.log');
  await log.locator('.msg.theirs').first().waitFor({ timeout: 15000 });
  await widget.locator('button.human').click();
  await widget.locator('textarea').fill('My screen shows an error');
  await widget.locator('textarea').press('Enter');
  await log.locator('.msg.mine[data-state]:not([data-state=pending])', { hasText: 'shows an error' }).waitFor({ timeout: 15000 });
  const attach = widget.locator('button.attach');
  assert.equal(await attach.getAttribute('aria-label'), 'Attach a file');
  step('the conversation is created; the widget has an attach button named "Attach a file"');

  await pasteScreenshot(widget.locator('textarea'), 'screenshot.png');
  const bar = widget.locator('.uploads progress[aria-label="screenshot.png"]');
  await widget.locator('.uploads .upload.uploaded').waitFor({ timeout: 15000 });
  const full = await widget.locator('.uploads .upload.uploaded progress').evaluate((p) => [/** @type {HTMLProgressElement} */ (p).value, /** @type {HTMLProgressElement} */ (p).max]);
  if (full[0] !== full[1] || full[1] < 100) {
    fail(`the progress bar is not full after the upload: ${full}`);
  }
  step('the pasted screenshot uploads with a progress bar, filled at the end');
  if (await bar.count() !== 1) {
    fail('the progress bar is not named by the file');
  }
  await widget.locator('textarea').press('Enter'); // no text: the file alone
  const mine = log.locator('.msg.mine:has(.files .thumb)');
  await mine.waitFor({ timeout: 15000 });
  await widget.locator('.uploads').waitFor({ state: 'hidden', timeout: 15000 });
  const thumb = mine.locator('.thumb img');
  assert.equal(await thumb.getAttribute('alt'), 'screenshot.png');
  await visitor.waitForFunction((el) => el.complete && el.naturalWidth > 0, await thumb.elementHandle(), { timeout: 15000 });
  if (await mine.locator('.text').isVisible()) {
    fail('a message with a file and no text shows an empty text line');
  }
  assertInside(visitor, await mine.boundingBox(), 'the visitor\'s image message');
  step('sent with no text: the visitor\'s bubble shows the thumbnail (alt: its name), no empty text');

  // The agent: the thumbnail in the console, the viewer opened and closed from the keyboard.
  const agent = await browser.newPage({ viewport: { width: 1280, height: 760 } });
  watch(agent, 'console');
  await consoleLogin(agent);
  const conv = await visitor.evaluate(() => /** @type {any} */ (window).parleyWidget.transcript.state.conv);
  await agent.locator(`#queue li[data-conv="${conv}"]`).click({ timeout: 15000 });
  await agent.locator('#log .msg.visitor').first().waitFor({ timeout: 15000 });
  await agent.click('#accept');
  await widget.locator('header .agent', { hasText: 'Maya' }).waitFor({ timeout: 15000 });
  const agentThumb = agent.locator('#log .msg.visitor .files button.thumb');
  await agentThumb.waitFor({ timeout: 15000 });
  await agent.waitForFunction((el) => el.complete && el.naturalWidth > 0, await agentThumb.locator('img').elementHandle(), { timeout: 15000 });
  step('the agent sees the visitor\'s screenshot as a thumbnail');
  await agentThumb.focus();
  await agent.keyboard.press('Enter');
  const viewer = agent.locator('.viewer[role=dialog][aria-label="screenshot.png"]');
  await viewer.waitFor({ timeout: 15000 });
  const big = viewer.locator('img');
  await agent.waitForFunction((el) => el.complete && el.naturalWidth === 640, await big.elementHandle(), { timeout: 15000 });
  assert.equal(await agent.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Close image');
  step('Enter on the thumbnail opens the full-size image (640 px wide) in a dialog, focus on its close button');
  await agent.keyboard.press('Escape');
  await viewer.waitFor({ state: 'detached', timeout: 15000 });
  if (!await agentThumb.evaluate((el) => el === document.activeElement)) {
    fail('after Escape the focus is not back on the thumbnail');
  }
  step('Escape closes the viewer and gives the focus back to the thumbnail');

  // The agent sends a PDF with a line of text; the visitor downloads it from its file card.
  await agent.setInputFiles('#attach-input', { name: 'invoice.pdf', mimeType: 'application/pdf', buffer: Buffer.from(PDF) });
  await agent.locator('#uploads .upload.uploaded').waitFor({ timeout: 15000 });
  await agent.fill('#text', 'Here is your invoice');
  await agent.press('#text', 'Enter');
  await agent.locator('#log .msg.agent .file-card', { hasText: 'invoice.pdf' }).waitFor({ timeout: 15000 });
  step('the agent attaches a PDF and sends it with text');
  if (process.env.SCREENSHOT_DIR) {
    await agent.screenshot({ path: `${process.env.SCREENSHOT_DIR}/console-attachments.png` });
  }
  const card = log.locator('.msg.theirs', { hasText: 'Here is your invoice' }).locator('a.file-card');
  await card.waitFor({ timeout: 15000 });
  const about = await card.locator('.file-about').textContent();
  if (!about?.includes('application/pdf') || !about.includes(' B')) {
    fail(`the file card does not say the type and size: ${about}`);
  }
  await visitor.waitForFunction((a) => /** @type {HTMLAnchorElement} */ (a).href.includes('/content?'), await card.elementHandle(), { timeout: 15000 });
  const [download] = await Promise.all([visitor.waitForEvent('download', { timeout: 15000 }), card.click()]);
  assert.equal(download.suggestedFilename(), 'invoice.pdf');
  const stream = await download.createReadStream();
  const chunks = [];
  for await (const c of stream) {
    chunks.push(c);
  }
  if (!Buffer.concat(chunks).toString('latin1').startsWith('%PDF-1.4')) {
    fail('the downloaded file is not the PDF sent');
  }
  step('the visitor sees a file card (name, type, size) and downloads the PDF from it');

  // The attach button from the keyboard opens the file picker; a dropped HTML page is refused inline.
  await attach.focus();
  if (!await attach.evaluate((b) => /** @type {Document|ShadowRoot} */ (b.getRootNode()).activeElement === b)) {
    fail('the attach button does not take the focus');
  }
  const [chooser] = await Promise.all([visitor.waitForEvent('filechooser', { timeout: 15000 }), visitor.keyboard.press('Enter')]);
  await chooser.setFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('order 1234: two kettles\n') });
  await widget.locator('.uploads .upload.uploaded', { hasText: 'notes.txt' }).waitFor({ timeout: 15000 });
  await widget.locator('.panel').evaluate((panel) => {
    const data = new DataTransfer();
    data.items.add(new File(['a draft the visitor thinks better of\n'], 'draft.txt', { type: 'text/plain' }));
    data.items.add(new File(['<html><script>alert(1)</script></html>'], 'page.html', { type: 'text/html' }));
    for (const type of ['dragover', 'drop']) {
      panel.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));
    }
  });
  await widget.locator('.uploads .upload.failed [role=alert]', { hasText: 'This type of file cannot be sent.' }).waitFor({ timeout: 15000 });
  step('Enter on the attach button opens the file picker (a text file uploads); a dropped HTML page is refused inline');
  // Removal from the keyboard: the dropped draft goes, the focus moves to the next file's remove button.
  const removeDraft = widget.locator('.uploads button.upload-remove[aria-label="Remove draft.txt"]');
  await widget.locator('.uploads .upload', { hasText: 'draft.txt' }).waitFor({ timeout: 15000 });
  await removeDraft.focus();
  await visitor.keyboard.press('Enter');
  await widget.locator('.uploads .upload', { hasText: 'draft.txt' }).waitFor({ state: 'detached', timeout: 15000 });
  const focusedName = await widget.locator('.uploads').evaluate((ul) => /** @type {ShadowRoot} */ (ul.getRootNode()).activeElement?.getAttribute('aria-label'));
  if (focusedName !== 'Remove page.html') {
    fail(`after removing draft.txt the focus is on "${focusedName}", not the next file's remove button`);
  }
  step('Enter on "Remove draft.txt" takes the file off the list; the focus moves to "Remove page.html"');
  await widget.locator('textarea').fill('my notes');
  await widget.locator('textarea').press('Enter');
  await agent.locator('#log .msg.visitor', { hasText: 'my notes' }).locator('.file-card', { hasText: 'notes.txt' }).waitFor({ timeout: 15000 });
  await widget.locator('.uploads').waitFor({ state: 'hidden', timeout: 15000 });
  for (const name of ['page.html', 'draft.txt']) {
    if (await log.locator('.file-card', { hasText: name }).count() !== 0) {
      fail(`${name} was sent`);
    }
  }
  step('sent with text: the agent gets the text file, not the refused page nor the removed draft; the refusal is cleared');

  // Emoji: the counter and the send button follow an insertion (a click on the button, then on 😀).
  const box = widget.locator('textarea');
  const smiley = widget.locator('button.emoji-button');
  const picker = widget.locator('.emoji-picker[role=dialog]');
  assert.equal(await smiley.getAttribute('aria-label'), 'Insert emoji');
  assert.equal(await picker.getAttribute('aria-label'), 'Insert emoji');
  await box.fill('a'.repeat(3999));
  for (const want of ['4000 / 4000', '4001 / 4000']) {
    await smiley.click();
    await picker.locator('button.emoji', { hasText: '😀' }).click();
    await widget.locator('.counter', { hasText: want }).waitFor({ timeout: 15000 });
  }
  if (!await widget.locator('button.send').isDisabled()) {
    fail('the send button is enabled with 4001 code points after two emoji');
  }
  await smiley.click();
  assertInside(visitor, await picker.boundingBox(), 'the emoji picker');
  await widget.locator('.log').click({ position: { x: 10, y: 10 } });
  await picker.waitFor({ state: 'hidden', timeout: 15000 });
  step('a clicked emoji counts as one code point (4001 / 4000: send disabled); the picker fits the phone; a click outside closes it');

  await box.fill('Thanks a lot');
  await box.focus();
  await visitor.keyboard.press('Home');
  for (let i = 0; i < 6; i++) {
    await visitor.keyboard.press('ArrowRight');
  }
  await visitor.keyboard.press('Tab'); // the paperclip
  await visitor.keyboard.press('Tab'); // the face
  const focusedIs = (/** @type {import('playwright-core').Locator} */ l) => l.evaluate((el) => el === /** @type {ShadowRoot} */ (el.getRootNode()).activeElement);
  if (!await focusedIs(smiley)) {
    fail('Tab from the paperclip does not reach the emoji button');
  }
  await visitor.keyboard.press('Enter');
  await picker.waitFor({ timeout: 15000 });
  assert.equal(await smiley.getAttribute('aria-expanded'), 'true');
  await visitor.keyboard.press('Escape');
  await picker.waitFor({ state: 'hidden', timeout: 15000 });
  if (!await focusedIs(smiley) || await widget.locator('.panel').isHidden()) {
    fail('Escape in the picker does not give the focus back to its button (or closed the panel)');
  }
  await visitor.keyboard.press('Enter');
  await picker.waitFor({ timeout: 15000 });
  for (const key of ['ArrowDown', 'ArrowDown', 'ArrowDown', 'ArrowRight', 'ArrowLeft']) {
    await visitor.keyboard.press(key); // three rows down: 👍
  }
  await visitor.keyboard.press('Enter');
  await picker.waitFor({ state: 'hidden', timeout: 15000 });
  assert.equal(await box.inputValue(), 'Thanks👍 a lot');
  if (!await focusedIs(box)) {
    fail('after inserting an emoji the focus is not back in the text box');
  }
  step('from the keyboard: Tab to the emoji button, Enter opens the picker, Escape closes it (focus back), arrows + Enter insert 👍 at the caret (focus back in the text box)');
  await visitor.keyboard.press('Enter');
  const sent = log.locator('.msg.mine', { hasText: 'Thanks👍 a lot' });
  const seen = agent.locator('#log .msg.visitor', { hasText: 'Thanks👍 a lot' });
  for (const [where, msg] of /** @type {const} */ ([['widget', sent], ['console', seen]])) {
    const time = msg.locator('.meta time.ts');
    await time.waitFor({ timeout: 15000 });
    const [datetime, text, hidden] = await time.evaluate((t) => [t.getAttribute('datetime'), t.textContent, t.getAttribute('aria-hidden')]);
    if (!datetime || Math.abs(Date.parse(datetime) - Date.now()) > 120000 || !/\d{1,2}\D\d{2}/.test(text ?? '') || hidden !== 'true') {
      fail(`the ${where}'s message shows no proper time: datetime=${datetime} text=${text} aria-hidden=${hidden}`);
    }
  }
  step('the emoji message is sent; the agent sees it with its time, as the visitor does (a time element, hidden from screen readers)');
  if (process.env.SCREENSHOT_DIR) {
    await visitor.screenshot({ path: `${process.env.SCREENSHOT_DIR}/widget-attachments.png` });
  }

  // A fresh visitor whose very first act is pasting an image: its conversation is not stored yet
  // (only its first message or upload creates it), and nothing is lost — the upload opens it.
  const fresh = await browser.newPage({ viewport: { width: 390, height: 780 } });
  watch(fresh, 'widget (fresh visitor)');
  await fresh.goto(BASE + '/');
  const freshWidget = fresh.locator('#parley-widget');
  await freshWidget.locator('.launcher').click({ timeout: 15000 });
  const freshLog = freshWidget.locator('.log');
  await freshLog.locator('.msg.theirs').first().waitFor({ timeout: 15000 }); // the greeting, shown
  await pasteScreenshot(freshWidget.locator('textarea'), 'first.png');
  // Every page of this suite comes from 127.0.0.1, which by now has used its burst of new
  // conversations: the upload that opens this one may be answered 429 and wait (Retry-After ≤ 10 s).
  const first = freshWidget.locator('.uploads .upload.uploaded, .uploads .upload.failed').filter({ hasText: 'first.png' });
  await first.waitFor({ timeout: 30000 });
  if (await first.evaluate((li) => li.classList.contains('failed'))) {
    fail(`the first act's upload was refused: ${await first.textContent()}`);
  }
  await freshWidget.locator('textarea').press('Enter');
  const firstMine = freshLog.locator('.msg.mine[data-state]:not([data-state=pending]):not([data-state=failed])', { has: fresh.locator('.files .thumb') });
  await firstMine.waitFor({ timeout: 15000 });
  await freshWidget.locator('.uploads').waitFor({ state: 'hidden', timeout: 15000 });
  step('a fresh visitor pastes an image as its very first act: it uploads (the upload opens the conversation) and Send delivers it (acked, with its thumbnail)');
});
