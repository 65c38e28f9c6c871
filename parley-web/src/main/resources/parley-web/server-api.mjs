// @ts-check
/**
 * The server API for an application's backend on Node 18+ (docs/PROTOCOL.md#server-api): publish into
 * channels, broadcast, read presence and history, disconnect a user, with an API key an admin made.
 * Fetch-based, no dependencies; never ship the key to a browser.
 *
 *   const api = new ParleyServerApi('https://chat.example.com', process.env.PARLEY_KEY);
 *   const { seq } = await api.publish('news:today', 'Doors open at nine', { idempotencyKey: 'n-1' });
 *
 * A refusal rejects with a ServerApiError carrying the API's `code` (`forbidden_namespace`,
 * `idempotency_key_reused`, …), its HTTP `status` and, for a 503, `retryAfterMs`: send the same call
 * again (same idempotency key) after it.
 */

/** A refusal of the server API. */
export class ServerApiError extends Error {
  /**
   * @param {string} code the API's error code
   * @param {number} status the HTTP status
   * @param {string} message what went wrong
   * @param {number|null} retryAfterMs for a 503: how long to wait before sending it again
   */
  constructor(code, status, message, retryAfterMs) {
    super(code + ': ' + message);
    this.name = 'ServerApiError';
    this.code = code;
    this.status = status;
    this.retryAfterMs = retryAfterMs;
  }
}

/**
 * @typedef {{channel: string, seq: number, id: string}} Published
 * @typedef {{channel: string, seq?: number, id?: string, error?: string, message?: string}} ChannelResult
 * @typedef {{channel: string, count: number, users: string[]}} Presence
 * @typedef {{seq: number, id: string, from: string, kind: string, text: string|null, ts: number}} StoredMessage
 * @typedef {{channel: string, epoch?: string, messages: StoredMessage[], more: boolean}} History (epoch: an ephemeral channel's)
 */

export class ParleyServerApi {
  /** The API key: a private field, so logging the helper never prints it. */
  #key;

  /**
   * @param {string} baseUrl the server, e.g. `https://chat.example.com`
   * @param {string} key an API key, `pk_…`
   * @param {{fetch?: typeof fetch, timeoutMs?: number}} [options] another fetch; how long a call waits (30 s)
   */
  constructor(baseUrl, key, options = {}) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.#key = key;
    const f = options.fetch || globalThis.fetch;
    /** @type {typeof fetch} called as a plain function: a browser's fetch refuses another `this` */
    this.fetch = (url, init) => f(url, init);
    this.timeoutMs = options.timeoutMs ?? 30000;
  }

  /**
   * Publishes `data` into `channel`; with the same `idempotencyKey` again it answers the first
   * publication and stores nothing new.
   * @param {string} channel
   * @param {string} data
   * @param {{idempotencyKey?: string}} [options]
   * @returns {Promise<Published>}
   */
  publish(channel, data, options = {}) {
    return this.call('POST', '/api/v1/publish', { channel, data, idempotencyKey: options.idempotencyKey });
  }

  /**
   * Publishes `data` into each of `channels` (at most 1,000): a result per channel, in order.
   * @param {string[]} channels
   * @param {string} data
   * @param {{idempotencyKey?: string}} [options]
   * @returns {Promise<ChannelResult[]>}
   */
  async broadcast(channels, data, options = {}) {
    const r = await this.call('POST', '/api/v1/broadcast', {
      channels,
      data,
      idempotencyKey: options.idempotencyKey,
    });
    return r.results;
  }

  /**
   * Who is present in `channel` on any node: the count and the first `limit` users (100).
   * @param {string} channel
   * @param {{limit?: number}} [options]
   * @returns {Promise<Presence>}
   */
  presence(channel, options = {}) {
    const q = options.limit ? '?limit=' + options.limit : '';
    return this.call('GET', '/api/v1/channels/' + encodeURIComponent(channel) + '/presence' + q);
  }

  /**
   * At most `limit` (1-100, default 50) of `channel`'s messages after seq `since` (0).
   * @param {string} channel
   * @param {{since?: number, limit?: number}} [options]
   * @returns {Promise<History>}
   */
  history(channel, options = {}) {
    const q = new URLSearchParams();
    q.set('since', String(options.since ?? 0));
    if (options.limit) {
      q.set('limit', String(options.limit));
    }
    return this.call('GET', '/api/v1/channels/' + encodeURIComponent(channel) + '/history?' + q);
  }

  /**
   * Closes every connection of `user` on every node (close code 4409); needs a key for `*`.
   * @param {string} user
   * @returns {Promise<void>}
   */
  async disconnect(user) {
    await this.call('POST', '/api/v1/users/' + encodeURIComponent(user) + '/disconnect');
  }

  /**
   * @param {string} method
   * @param {string} path
   * @param {object} [body]
   * @returns {Promise<any>}
   */
  async call(method, path, body) {
    /** @type {Record<string, string>} */
    const headers = { Authorization: 'Bearer ' + this.#key };
    if (body) {
      headers['Content-Type'] = 'application/json';
    }
    const r = await this.fetch(this.baseUrl + path, {
      method,
      headers,
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await r.text();
    /** @type {any} */
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    if (r.status !== 200) {
      const after = Number(r.headers.get('Retry-After'));
      throw new ServerApiError(
        (json && json.error) || 'http_' + r.status,
        r.status,
        (json && json.message) || 'HTTP ' + r.status,
        r.status === 503 && after > 0 ? after * 1000 : null,
      );
    }
    return json;
  }
}
