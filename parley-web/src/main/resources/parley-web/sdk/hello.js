// @ts-check
// How the JS SDK's client says hello (docs/CLIENTS.md#identity, PROTOCOL.md#hello-in-the-url): a
// new visitor's in the WebSocket's opening request, a round trip sooner; every other one as the
// first frame, with the positions to resume. Runs on the client's event loop.

/** @typedef {import('./parley.js').ParleyClient} ParleyClient */

/**
 * How long a hello carried in the URL waits for its answer before it is said in a frame too (a
 * server of an earlier release ignores `hello=1`; a current one answers a frame after it with
 * `already_hello`, which the SDK drops). Milliseconds, and up to a second of jitter.
 */
const HELLO_IN_URL_WAIT_MS = 5000;

/**
 * The hello a new WebSocket's opening request carries instead of a frame: only a new visitor's —
 * no token, no login, no token provider, nothing to resume —, so no credential and no position
 * ever goes in a URL.
 * @param {ParleyClient} client
 * @returns {Record<string, string>|null} its query parameters (the site goes in the URL anyway)
 */
export function helloQuery(client) {
  const o = client.options;
  if (client._credentials.token || o.login || o.tokenProvider || Object.keys(resumeFrom(client, false)).length) {
    return null;
  }
  return o.lang ? { hello: '1', lang: o.lang } : { hello: '1' };
}

/**
 * Says hello on a transport just opened, or again after a refusal.
 * @param {ParleyClient} client
 * @param {boolean} [inUrl] the opening request carried it (`helloQuery`): only the welcome is
 *   awaited, and the welcome joins every position (`routing.js`), since it resumed none
 */
export function sayHello(client, inUrl = false) {
  client._positions.reset();
  client._sender.reset();
  client._helloInUrl = inUrl;
  client._helloPending = true; // answered alike: welcome, or an error without a ref
  if (inUrl) {
    client._credentials.helloLater(HELLO_IN_URL_WAIT_MS, () => client._helloPending && client.state !== 'closed' && sayHello(client));
    return;
  }
  const resume = resumeFrom(client, true);
  const o = client.options;
  /** @type {Record<string, unknown>} */
  const hello = { type: 'hello', v: 1, ...client._credentials.helloFields(), ...(Object.keys(resume).length ? { resume } : {}) };
  if (o.site) {
    hello.site = o.site;
  }
  if (o.lang) {
    hello.lang = o.lang;
  }
  client._connection.send(JSON.stringify(hello));
}

/**
 * Per conversation, the seq to resume from (hello.resume; ephemeral channels and conversations
 * never joined are joined after the welcome).
 * @param {ParleyClient} client @param {boolean} joining they are being resumed now
 * @returns {Record<string, number>}
 */
function resumeFrom(client, joining) {
  /** @type {Record<string, number>} */
  const resume = {};
  for (const [conv, p] of client._positions.entries()) {
    if (p.seq >= 0 && p.epoch === undefined) {
      resume[conv] = p.seq;
      if (joining) {
        client._sender.joinedNow.add(conv);
      }
    }
  }
  return resume;
}
