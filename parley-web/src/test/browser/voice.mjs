// Browser test: voice notes in the widget (issue 17 part 5, widget/voice.js). Chromium runs with a
// fake microphone (a beep) that needs no permission prompt. An admin makes two sites whose voice
// notes last at most 30 s and 2 s and, when PARLEY_WHISPER_URL is given (BrowserTest's transcription
// stand-in), are transcribed; pages of another origin embed their widgets on a phone-sized screen
// (360 × 640):
// - the microphone button ("Record a voice note") sits beside the emoji button and the composer
//   fits; a recording shows its running time, the time left and Cancel; axe finds no serious
//   violation while it runs; Escape cancels it: nothing is uploaded, the microphone is released,
//   the focus is back on the button, the panel stays open;
// - from the keyboard: Enter records, Enter again ("Stop and attach") attaches it: the tray uploads
//   `voice-note-….webm`, the focus is in the text box, and Enter sends it: the message shows an audio
//   player (and the transcript, with the stand-in);
// - left alone, a recording stops by itself at the other site's 2 s and is attached;
// - the visitor asks for a person; the agent (of both sites, made by the admin) opens the
//   conversation in the console and sees the same player with the transcript under it;
// - a page whose microphone is refused says so in an alert and uploads nothing.
// Synchronised on the widget's state (`data-voice` on its host) and its timer text, never on sleeps.
//   node --experimental-websocket voice.mjs   (PARLEY_URL; maya an admin; PARLEY_WHISPER_URL, PARLEY_TRANSCRIPT optional)
import http from 'node:http';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { run, step, fail, watch, agent, consoleLogin, assertInside, horizontalOverflow, BASE } from './lib.mjs';

const parley = new URL(BASE);
const SITE = 'voices';
const MAX_SECONDS = 30;
/** A site whose limit the test waits out. */
const SHORT = 'voices-short';
const SHORT_SECONDS = 2;
/** The agent of both sites who answers in the console. */
const AGENT = { user: 'vox', password: 'vox-password-1' };
const AXE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** An admin API call with `token`. */
async function api(token, method, path, body) {
  const r = await fetch(`${BASE}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, body: await r.json().catch(() => ({})) };
}

/**
 * Keeps every microphone stream a page gets (to check its tracks end) and, when `refuse`, refuses
 * the microphone as a browser does when the visitor says no.
 */
function microphoneProbe(refuse) {
  const w = /** @type {any} */ (window);
  w.__streams = [];
  const devices = navigator.mediaDevices;
  const original = devices.getUserMedia.bind(devices);
  devices.getUserMedia = async (c) => {
    if (refuse) {
      throw new DOMException('Permission denied', 'NotAllowedError');
    }
    const s = await original(c);
    w.__streams.push(s);
    return s;
  };
}

/** Whether every microphone track the page got has ended. */
const micReleased = (page) => page.evaluate(() => /** @type {any} */ (window).__streams.every(
  (/** @type {MediaStream} */ s) => s.getTracks().every((t) => t.readyState === 'ended')));

run('voice', async (browser) => {
  const maya = await agent();
  const transcription = process.env.PARLEY_WHISPER_URL
    ? { transcription: { baseUrl: process.env.PARLEY_WHISPER_URL, model: 'whisper-1', language: 'en' } } : {};
  for (const [id, maxSeconds] of [[SITE, MAX_SECONDS], [SHORT, SHORT_SECONDS]]) {
    const made = await api(maya.token, 'POST', '/api/admin/sites', {
      id, name: 'Voices', greeting: 'Hi! Send us a voice note.', allowedOrigins: ['*'],
      voice: { maxSeconds, ...transcription },
    });
    if (made.status !== 201 && made.status !== 409) {
      fail(`site ${id} not made: ${made.status} ${JSON.stringify(made.body)}`);
    }
  }
  const hired = await api(maya.token, 'POST', '/api/admin/agents', {
    user: AGENT.user, name: 'Vox', sites: [SITE, SHORT], password: AGENT.password,
  });
  if (hired.status !== 201 && hired.status !== 409) {
    fail(`agent ${AGENT.user} not made: ${hired.status} ${JSON.stringify(hired.body)}`);
  }
  maya.close();
  step(`two sites whose voice notes last at most ${MAX_SECONDS} s and ${SHORT_SECONDS} s${process.env.PARLEY_WHISPER_URL ? ', transcribed' : ''}`);

  const host = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Voices</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>Voices</h1></main>
<script src="${parley.origin}/widget.js" data-site="${req.url === '/short' ? SHORT : SITE}" data-lang="en" async></script></body></html>`);
  });
  await new Promise((r) => host.listen(0, '127.0.0.1', r));
  const pageUrl = `http://localhost:${host.address().port}/`;
  try {
    const context = await browser.newContext({ viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true });
    await context.addInitScript(microphoneProbe, false);
    const page = await context.newPage();
    watch(page, 'widget');
    /** @type {string[]} */
    const uploads = [];
    page.on('request', (r) => r.method() === 'POST' && /\/files$/.test(new URL(r.url()).pathname) && uploads.push(r.url()));
    await page.goto(pageUrl);
    const widget = page.locator('#parley-widget');
    await widget.locator('.launcher').click({ timeout: 15000 });
    const log = widget.locator('.log');
    await log.locator('.msg.theirs').first().waitFor({ timeout: 15000 });
    const mic = widget.locator('button.voice');
    await mic.waitFor({ timeout: 15000 }); // shown once the site's appearance says it takes audio
    const label = () => mic.getAttribute('aria-label');
    if (await label() !== 'Record a voice note') {
      fail(`the microphone button is named "${await label()}"`);
    }
    for (const [what, el] of /** @type {const} */ ([['text box', 'textarea'], ['attach button', 'button.attach'],
      ['emoji button', 'button.emoji-button'], ['microphone button', 'button.voice'], ['send button', 'button.send']])) {
      assertInside(page, await widget.locator(el).boundingBox(), `at 360×640 the ${what}`);
    }
    const o = await horizontalOverflow(page);
    if (o.scrollWidth > o.width) {
      fail(`the page is ${o.scrollWidth} px wide with the widget open`);
    }
    step('"Record a voice note" beside the emoji button; at 360×640 the composer fits');

    // A recording cancelled with Escape: nothing uploaded, the microphone released.
    const state = (s) => page.locator(`#parley-widget[data-voice="${s}"]`).waitFor({ state: 'attached', timeout: 15000 });
    const timer = widget.locator('.voice-bar .voice-timer');
    const live = widget.locator('.voice-live[role=status]');
    await mic.click();
    await state('recording');
    await widget.locator('.voice-bar .voice-timer', { hasText: /^0:0[1-9]$/ }).waitFor({ timeout: 15000 });
    if (await label() !== 'Stop and attach') {
      fail(`while recording the button is named "${await label()}"`);
    }
    const left = await widget.locator('.voice-bar .voice-left').textContent();
    if (!/^0:[0-3]\d left$/.test(left ?? '')) {
      fail(`the time left reads "${left}"`);
    }
    if (await live.textContent() !== 'Recording a voice note…') {
      fail(`the start is announced as "${await live.textContent()}"`);
    }
    assertInside(page, await widget.locator('.voice-bar').boundingBox(), 'the recording bar');
    if ((await horizontalOverflow(page)).scrollWidth > 360) {
      fail('the page overflows while recording');
    }
    if (process.env.SCREENSHOT_DIR) {
      await page.screenshot({ path: `${process.env.SCREENSHOT_DIR}/widget-voice-recording.png` });
    }
    await page.evaluate(AXE);
    const serious = await page.evaluate(async () => {
      const r = await /** @type {any} */ (window).axe.run(document, { resultTypes: ['violations'] });
      return r.violations.filter((/** @type {any} */ v) => v.impact === 'serious' || v.impact === 'critical')
        .map((/** @type {any} */ v) => `${v.id}: ${v.nodes.map((/** @type {any} */ n) => n.target.join(' ')).join(', ')}`);
    });
    if (serious.length) {
      fail(`axe while recording:\n  ${serious.join('\n  ')}`);
    }
    step(`recording: the timer runs (${await timer.textContent()}), "${left}", the button says "Stop and attach", the start is announced; no serious axe violation`);
    await mic.focus();
    await page.keyboard.press('Escape');
    await state('cancelled');
    if (await widget.locator('.panel').isHidden()) {
      fail('Escape while recording closed the panel');
    }
    if (!await mic.evaluate((b) => /** @type {ShadowRoot} */ (b.getRootNode()).activeElement === b)) {
      fail('after cancelling the focus is not on the microphone button');
    }
    if (await live.textContent() !== 'Recording cancelled.' || await label() !== 'Record a voice note'
      || !await widget.locator('.voice-bar').isHidden() || !await widget.locator('.uploads').isHidden()) {
      fail('the cancelled recording left something behind');
    }
    if (!await micReleased(page)) {
      fail('the microphone is still in use after cancelling');
    }
    step('Escape cancels: the bar goes, the focus is back on the button, the microphone is released, the panel stays');

    // From the keyboard: Enter records, Enter stops and attaches, Enter in the text box sends.
    await mic.focus();
    await page.keyboard.press('Enter');
    await state('recording');
    await widget.locator('.voice-bar .voice-timer', { hasText: /^0:0[1-9]$/ }).waitFor({ timeout: 15000 });
    await page.keyboard.press('Enter'); // the focus stayed on the button, now "Stop and attach"
    await state('stopped');
    const item = widget.locator('.uploads .upload', { hasText: /^voice-note-.*\.webm/ });
    await item.waitFor({ timeout: 15000 });
    if (await live.textContent() !== 'Voice note attached.') {
      fail(`the stop is announced as "${await live.textContent()}"`);
    }
    if (!await widget.locator('textarea').evaluate((b) => /** @type {ShadowRoot} */ (b.getRootNode()).activeElement === b)) {
      fail('after attaching the focus is not in the text box');
    }
    if (!await micReleased(page)) {
      fail('the microphone is still in use after stopping');
    }
    const name = (await item.locator('.upload-name').textContent()) ?? '';
    // The first upload may open the conversation and wait out the address's burst of conversations.
    await widget.locator('.uploads .upload.uploaded, .uploads .upload.failed').first().waitFor({ timeout: 30000 });
    if (await widget.locator('.uploads .upload.failed').count()) {
      fail(`the voice note was refused: ${await widget.locator('.uploads').textContent()}`);
    }
    step(`Enter records, Enter on "Stop and attach" uploads ${name}; the focus goes to the text box; the microphone is released`);
    await page.keyboard.press('Enter');
    const mine = log.locator('.msg.mine:not([data-state=pending]):not([data-state=failed])', { has: page.locator('.voice-note audio') });
    await mine.waitFor({ timeout: 15000 });
    const audio = mine.locator('.voice-note audio');
    if (await audio.getAttribute('aria-label') !== name) {
      fail(`the player is named "${await audio.getAttribute('aria-label')}", not ${name}`);
    }
    await page.waitForFunction((a) => /** @type {HTMLAudioElement} */ (a).src.includes('/content?'), await audio.elementHandle(), { timeout: 15000 });
    assertInside(page, await mine.boundingBox(), 'the voice note message');
    if (process.env.PARLEY_TRANSCRIPT) {
      await mine.locator('.voice-note .transcript', { hasText: process.env.PARLEY_TRANSCRIPT }).waitFor({ timeout: 15000 });
      step(`sent: the visitor's message plays the voice note, its transcript "${process.env.PARLEY_TRANSCRIPT}" under it`);
    } else {
      step('sent: the visitor\'s message plays the voice note');
    }
    if (uploads.length !== 1) {
      fail(`${uploads.length} uploads, not 1 (the cancelled recording must not upload)`);
    }

    // The visitor asks for a person; the agent opens the conversation in the console (queued, or
    // given to it as the first agent free): the same player, and the transcript under it.
    await widget.locator('button.human').click({ timeout: 15000 });
    const conv = await page.evaluate(() => /** @type {any} */ (window).parleyWidget.transcript.state.conv);
    const desk = await browser.newContext({ viewport: { width: 1280, height: 760 } });
    const agentPage = await desk.newPage();
    watch(agentPage, 'console');
    await consoleLogin(agentPage, BASE, AGENT.user, AGENT.password);
    // queued, or already the agent's own: the queue hands it to the first agent free
    await agentPage.locator(`.list li[data-conv="${conv}"]`).click({ timeout: 15000 });
    const theirs = agentPage.locator('#log .msg.visitor .voice-note');
    await theirs.locator('audio').waitFor({ timeout: 15000 });
    if (await theirs.locator('audio').getAttribute('aria-label') !== name) {
      fail(`in the console the player is named "${await theirs.locator('audio').getAttribute('aria-label')}"`);
    }
    await agentPage.waitForFunction((a) => /** @type {HTMLAudioElement} */ (a).src.includes('/content?'), await theirs.locator('audio').elementHandle(), { timeout: 15000 });
    if (process.env.PARLEY_TRANSCRIPT) {
      await theirs.locator('.transcript', { hasText: process.env.PARLEY_TRANSCRIPT }).waitFor({ timeout: 15000 });
      step(`the agent opens the conversation in the console: the voice note plays there, "${process.env.PARLEY_TRANSCRIPT}" under it`);
    } else {
      step('the agent opens the conversation in the console: the voice note plays there');
    }
    await desk.close();

    await context.close();

    // Left alone, a recording stops at its site's limit and is attached.
    const shortContext = await browser.newContext({ viewport: { width: 360, height: 640 } });
    await shortContext.addInitScript(microphoneProbe, false);
    const shortPage = await shortContext.newPage();
    watch(shortPage, 'widget (2 s limit)');
    await shortPage.goto(pageUrl + 'short');
    const w1 = shortPage.locator('#parley-widget');
    await w1.locator('.launcher').click({ timeout: 15000 });
    await w1.locator('button.voice').click({ timeout: 15000 });
    await shortPage.locator('#parley-widget[data-voice="stopped"]').waitFor({ state: 'attached', timeout: 15000 });
    const end = await w1.locator('.voice-bar .voice-timer').textContent();
    if (end !== `0:0${SHORT_SECONDS}`) {
      fail(`at the limit the timer reads ${end}`);
    }
    const said = await w1.locator('.voice-live').textContent();
    if (said !== 'Time limit reached; the voice note is attached.') {
      fail(`the limit is announced as "${said}"`);
    }
    await w1.locator('.uploads .upload.uploaded').waitFor({ timeout: 30000 });
    if (!await micReleased(shortPage)) {
      fail('the microphone is still in use after the limit');
    }
    step(`a recording left alone stops by itself at ${SHORT_SECONDS} s (its timer ends at ${end}) and is attached`);
    await shortContext.close();

    // A refused microphone: said in an alert, nothing recorded or uploaded.
    const refused = await browser.newContext({ viewport: { width: 360, height: 640 } });
    await refused.addInitScript(microphoneProbe, true);
    const other = await refused.newPage();
    watch(other, 'widget (microphone refused)');
    let refusedUploads = 0;
    other.on('request', (r) => r.method() === 'POST' && /\/files$/.test(new URL(r.url()).pathname) && refusedUploads++);
    await other.goto(pageUrl);
    const w2 = other.locator('#parley-widget');
    await w2.locator('.launcher').click({ timeout: 15000 });
    await w2.locator('button.voice').click({ timeout: 15000 });
    await other.locator('#parley-widget[data-voice="failed"]').waitFor({ state: 'attached', timeout: 15000 });
    const alert = w2.locator('.voice-error[role=alert]');
    if (await alert.textContent() !== 'The microphone is blocked. Allow it in your browser to record a voice note.') {
      fail(`a refused microphone says "${await alert.textContent()}"`);
    }
    if (!await w2.locator('.uploads').isHidden() || refusedUploads !== 0 || !await w2.locator('.voice-bar').isHidden()) {
      fail('a refused microphone left a recording or an upload');
    }
    step('a refused microphone: "The microphone is blocked…" in an alert, nothing recorded or uploaded');
    await refused.close();
  } finally {
    host.close();
  }
}, { args: ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'] });
