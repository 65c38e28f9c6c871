// Browser test: the live figures over the server's channel parley:stats (docs/OPERATIONS.md#live-figures).
// The admin dashboard draws figures that came over the channel (not polled), and the operations
// board shows connections and the queue per site on a phone-sized screen without scrolling
// sideways; a token the server refuses leaves the board on its login, saying so.
//   node --experimental-websocket live-figures.mjs   (PARLEY_URL, PARLEY_AGENT_PASSWORD)
import { run, step, fail, watch, dashboardLogin, horizontalOverflow, BASE, PASSWORD } from './lib.mjs';

await run('live-figures', async (browser) => {
  const wide = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  const dash = await wide.newPage();
  watch(dash, 'dashboard');
  await dashboardLogin(dash);
  await dash.locator('#charts[data-source=channel]').waitFor({ timeout: 15000 });
  await dash.locator('#tile-connections .value').filter({ hasText: /^[1-9]/ }).waitFor({ timeout: 15000 });
  if (!(await dash.locator('#status').textContent())?.startsWith('live · ')) {
    fail('the dashboard does not say its figures are live: ' + await dash.locator('#status').textContent());
  }
  step('the dashboard draws the figures of parley:stats');

  const phone = await browser.newContext({ viewport: { width: 320, height: 640 }, isMobile: true, hasTouch: true });
  const board = await phone.newPage();
  watch(board, 'ops board');
  await board.goto(BASE + '/ops-board/');
  await board.fill('#login input[name=user]', 'maya');
  await board.fill('#login input[name=password]', PASSWORD);
  await board.click('#login button[type=submit]');
  await board.locator('#connections').filter({ hasText: /^[1-9]/ }).waitFor({ timeout: 15000 });
  await board.locator('#queues li .site', { hasText: 'demo' }).waitFor({ timeout: 15000 });
  if (!/^\d/.test((await board.locator('#rate').textContent()) ?? '')) {
    fail('no messages per second on the board');
  }
  const o = await horizontalOverflow(board);
  if (o.scrollWidth > o.width) {
    fail(`the board is ${o.scrollWidth} px wide on a 320 px screen`);
  }
  step('the operations board shows connections, messages per second and the queue per site at 320 px');

  const refused = await phone.newPage();
  watch(refused, 'refused board');
  await refused.goto(BASE + '/ops-board/#token=not-a-token');
  await refused.locator('#error', { hasText: 'refused' }).waitFor({ timeout: 15000 });
  await refused.locator('#login').waitFor();
  if (new URL(refused.url()).hash) {
    fail('the token stays in the address bar: ' + refused.url());
  }
  step('a refused token leaves the board on its login, saying so');
  await wide.close();
  await phone.close();
});
