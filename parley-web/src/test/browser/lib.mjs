// What the browser tests share: Chromium (Debian's, through playwright-core), a way to report steps
// and failures, logging in to the console and the dashboard, and a visitor or agent made with the
// JS SDK in Node (Node 20 needs --experimental-websocket; the Java wrappers pass it).
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import { ParleyClient } from '../../main/resources/parley-web/sdk/parley.js';

export const BASE = process.env.PARLEY_URL;
export const PASSWORD = process.env.PARLEY_AGENT_PASSWORD || 'pw';
if (!BASE) {
  throw new Error('set PARLEY_URL to a running Parley server');
}

/**
 * The Chromium to drive: `$CHROMIUM`, else Debian's headless shell (the old headless mode, which
 * Playwright itself uses for headless runs: about 40% less CPU than the full browser for the same
 * script — the browser stories are CPU-bound on CI's two cores), else the full browser.
 */
export const CHROMIUM = process.env.CHROMIUM
  || ['/usr/bin/chromium-headless-shell', '/usr/bin/chromium'].find((p) => fs.existsSync(p))
  || '/usr/bin/chromium';

/** A test script's name for its output lines. */
let name = 'browser';

/** Prints one line per step. @param {string} s */
export function step(s) {
  console.log(`[${name}] ${s}`);
}

/** @param {string} message @returns {never} */
export function fail(message) {
  throw new Error(`[${name}] ${message}`);
}

/**
 * Runs `body(browser)` in a fresh headless Chromium; prints PASS or the failure and exits.
 * @param {string} scriptName @param {(browser: import('playwright-core').Browser) => Promise<void>} body
 * @param {{args?: string[]}} [options] `args`: more Chromium flags (voice.mjs: a fake microphone)
 */
export async function run(scriptName, body, options = {}) {
  name = scriptName;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', ...(options.args ?? [])],
  });
  let code = 0;
  try {
    await body(browser);
    console.log(`[${name}] PASS`);
  } catch (e) {
    console.error(e instanceof Error ? e.stack : String(e));
    code = 1;
  } finally {
    await browser.close();
  }
  process.exit(code);
}

/** Reports page errors and failed console messages of `page` on the output. */
export function watch(page, label) {
  page.on('pageerror', (e) => console.log(`[${name}] ${label} page error: ${e.message}`));
}

/** Logs in to the console as maya (or `user`). */
export async function consoleLogin(page, base = BASE, user = 'maya', password = PASSWORD) {
  await page.goto(base + '/console/');
  await page.fill('input[name=user]', user);
  await page.fill('input[name=password]', password);
  await page.click('#login button[type=submit]');
  await page.locator('#app').waitFor();
}

/** Logs in to the dashboard as maya and waits for its first figures. */
export async function dashboardLogin(page, base = BASE) {
  await page.goto(base + '/dashboard/');
  await page.fill('input[name=user]', 'maya');
  await page.fill('input[name=password]', PASSWORD);
  await page.click('#login button[type=submit]');
  await page.locator('#tile-connections .value').filter({ hasText: /\d/ }).waitFor({ timeout: 15000 });
}

/** Logs in to the admin page as maya and waits for the sites. */
export async function adminLogin(page, base = BASE) {
  await page.goto(base + '/admin/');
  await page.fill('#login input[name=user]', 'maya');
  await page.fill('#login input[name=password]', PASSWORD);
  await page.click('#login button[type=submit]');
  await page.locator('#site-list li').first().waitFor({ timeout: 15000 });
}

/**
 * A visitor of the demo site in Node (the SDK over WebSocket) with its conversation; `lines`
 * messages sent (the conversation shows up in the console's lists), then handed to a human.
 * @returns {Promise<{client: ParleyClient, conv: string}>}
 */
export async function visitorWith(lines) {
  const client = new ParleyClient({ url: BASE, site: 'demo', transports: ['websocket'] });
  let conv = null;
  client.on('conversation', (c) => { conv = c.conv; });
  await client.connect();
  for (let i = 0; !conv && i < 400; i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  if (!conv) {
    fail('the visitor got no conversation');
  }
  client.handoff(conv); // queued: no bot answers in between
  for (let i = 1; i <= lines; i++) {
    await client.send(conv, `line ${i}: ` + 'a fairly long visitor message that wraps over a couple of lines on a phone');
  }
  return { client, conv };
}

/** An agent (maya) in Node, for its token. @returns {Promise<ParleyClient>} */
export async function agent() {
  const c = new ParleyClient({ url: BASE, login: { user: 'maya', password: PASSWORD }, transports: ['websocket'] });
  await c.connect();
  return c;
}

/** The page's size and what overflows it horizontally. */
export async function horizontalOverflow(page) {
  return page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth, width: window.innerWidth,
  }));
}

/** Fails unless `box` lies inside the viewport of `page`. */
export function assertInside(page, box, what) {
  const v = page.viewportSize();
  if (!box || box.x < 0 || box.y < 0 || box.x + box.width > v.width + 0.5 || box.y + box.height > v.height + 0.5) {
    fail(`${what} is not inside the ${v.width}×${v.height} viewport: ${JSON.stringify(box)}`);
  }
}

/** The Content-Security-Policy the server is to send on its HTML pages. */
export const POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
  + "media-src 'self' blob:; connect-src 'self' ws: wss:; base-uri 'none'; form-action 'self'";

/** Collects CSP violations in every page of the context (events, and Chromium's console reports). */
export async function recordViolations(context) {
  /** @type {string[]} */
  const reports = [];
  await context.addInitScript(() => {
    const w = /** @type {any} */ (window);
    w.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      w.__violations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`);
    }, true);
  });
  context.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) {
      reports.push(m.text());
    }
  });
  return async (page, what) => {
    const seen = [...await page.evaluate(() => /** @type {any} */ (window).__violations), ...reports.splice(0)];
    if (seen.length) {
      fail(`${what}: ${seen.length} CSP violation(s):\n  ${seen.join('\n  ')}`);
    }
    step(`${what}: no CSP violation`);
  };
}

