// @ts-check
// What every transport of the JS SDK is (sdk/transports.js, sdk/http-transports.js): it carries
// protocol frames (JSON text) both ways and reports onopen(), onframe(text), onclose(code, reason);
// onclose before onopen means "could not open". Single-threaded: the page's (or Node's) event loop.

/**
 * @typedef {object} TransportOptions
 * @property {string} url the server's base URL
 * @property {string} [site]
 * @property {string|null} [token]
 * @property {Record<string, string>|null} [hello] the hello the opening request carries (query
 *   parameters: `hello=1` and its options), or none: the client says hello in a frame
 * @property {number} [openTimeoutMs]
 * @property {typeof WebSocket} [WebSocket]
 * @property {typeof fetch} [fetch]
 */

/** What every transport has: its callbacks, and `open`, `send`, `close`. */
export class Transport {
  /** @param {TransportOptions} opts */
  constructor(opts) {
    this.opts = opts;
    /** @type {() => void} the transport is open */
    this.onopen = () => {};
    /** @type {(text: string) => void} a frame arrived */
    this.onframe = () => {};
    /** @type {(code: number, reason: string) => void} it ended (before onopen: it could not open) */
    this.onclose = () => {};
    /** @type {boolean} onclose was called, or close() */
    this._done = false;
  }

  /** Starts opening. */
  open() {
    throw new Error('not implemented');
  }

  /** Writes a frame. @param {string} text */
  send(text) {
    void text;
    throw new Error('not implemented');
  }

  /** Ends it, without an onclose. */
  close() {
    this._done = true;
  }

  /** @param {number} code @param {string} reason */
  _finish(code, reason) {
    if (!this._done) {
      this._done = true;
      this.onclose(code, reason);
    }
  }
}
