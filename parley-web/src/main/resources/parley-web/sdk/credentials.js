// @ts-check
// Who a ParleyClient is (docs/CLIENTS.md#identity and #token-expiry): the token its hello presents
// (or an agent's user and password), the expiry the server announced, and fresh tokens — from the
// page's provider, or (an agent who logged in) from the server itself — in-band a minute before
// expiry, and after a 4401 close or a refused hello.

/** @typedef {import('./protocol.js').Welcome} Welcome */

/**
 * @typedef {object} CredentialOptions
 * @property {string} [token] a token from an earlier `welcome`, or a JWT
 * @property {() => (string|Promise<string>)} [tokenProvider]
 * @property {{user: string, password: string}} [login]
 */

/**
 * The credentials of one client. Single-threaded: used by its ParleyClient.
 */
export class Credentials {
  /** @param {CredentialOptions} options */
  constructor(options) {
    this._options = options;
    /** @type {string|null} the token the next hello presents */
    this.token = options.token ?? null;
    /** @type {number} when the credentials expire (epoch ms), 0 = never */
    this.expiresAt = 0;
    /** @type {boolean} an in-band refresh is under way (until `authed` or the next welcome) */
    this._refreshing = false;
    /** @type {ReturnType<typeof setTimeout>|undefined} a rate-limited hello to say again */
    this._helloTimer = undefined;
  }

  /** The fields of `hello` that say who we are. @returns {Record<string, string>} */
  helloFields() {
    const login = this._options.login;
    if (!this.token && login) {
      return { user: login.user, password: login.password };
    }
    return this.token ? { token: this.token } : {};
  }

  /** @param {Welcome} w */
  welcomed(w) {
    this.token = w.token ?? this.token; // a welcome without a token keeps the one we have
    this.expiresAt = w.expiresAt ?? 0;
    this._refreshing = false;
  }

  /**
   * `authed`: the in-band refresh is in force; a token the server made for us replaces ours.
   * @param {{expiresAt?: number, token?: string}} a @returns {boolean} whether the token changed
   */
  authed(a) {
    this.expiresAt = a.expiresAt ?? 0;
    this._refreshing = false;
    if (a.token) {
      this.token = a.token;
      return true;
    }
    return false;
  }

  /**
   * A minute before expiry: asks the provider for a fresh token and hands it to `send` (as
   * `auth`), or — an agent who logged in with a password — asks the server for one (`auth`
   * without a token: `send(null)`).
   * @param {number} now @param {(token: string|null) => void} send
   */
  tick(now, send) {
    const provider = this._options.tokenProvider;
    if (!this.expiresAt || this._refreshing || now <= this.expiresAt - 60000) {
      return;
    }
    if (provider) {
      this._refreshing = true;
      Promise.resolve().then(() => provider()).then((fresh) => {
        this.token = fresh;
        send(fresh);
      }, (e) => console.warn('parley: the token provider failed; the connection closes at expiry', e));
    } else if (this._options.login) {
      this._refreshing = true;
      send(null);
    }
  }

  /**
   * The hello was refused for now (`rate_limited`: too many new sessions from this address): calls
   * `hello` after the server's hint, plus up to a second of jitter so that the clients behind one
   * address do not all come back at once.
   * @param {number|undefined} retryAfterMs @param {() => void} hello
   */
  helloLater(retryAfterMs, hello) {
    this.cancelHello();
    this._helloTimer = setTimeout(() => {
      this._helloTimer = undefined;
      hello();
    }, (retryAfterMs ?? 1000) + Math.random() * 1000);
  }

  /** Forgets a hello waiting to be said again (its socket is gone, or the client closed). */
  cancelHello() {
    clearTimeout(this._helloTimer);
    this._helloTimer = undefined;
  }

  /** After a 4401 close: the provider's token, or (an agent) log in again, or keep the token. */
  async afterExpiry() {
    const o = this._options;
    try {
      this.token = o.tokenProvider ? await o.tokenProvider() : o.login ? null : this.token;
    } catch (e) {
      console.warn('parley: the token provider failed', e);
    }
  }

  /**
   * The hello was refused (`unauthorized`): an agent's wrong password is final (false); otherwise
   * the token is dropped — start over as a new anonymous user, or with the provider's token — and
   * `hello` is called once the new credentials are there.
   * @param {string|undefined} field the error's field
   * @param {() => void} hello
   * @returns {boolean} whether to try again
   */
  refused(field, hello) {
    const o = this._options;
    if (o.login && field === 'password') {
      return false;
    }
    this.token = null;
    const provider = o.tokenProvider;
    if (provider) {
      Promise.resolve().then(() => provider()).then((t) => {
        this.token = t;
        hello();
      }, (e) => console.warn('parley: the token provider failed', e));
    } else {
      hello();
    }
    return true;
  }
}
