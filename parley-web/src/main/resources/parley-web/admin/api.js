// @ts-check
// The admin page's calls to /api/admin (docs/OPERATIONS.md#live-administration): the admin's
// bearer token, JSON bodies, If-Match with the version the page read, and the API's errors as
// ApiError (status, error code, the field it names). Runs on the page's event loop.

/** An answer of the admin API that is not a success. */
export class ApiError extends Error {
  /**
   * @param {number} status @param {string} code e.g. `invalid_field`, `precondition_failed`
   * @param {string|null} field the field it names, e.g. `allowedOrigins[1]` @param {string} message
   */
  constructor(status, code, field, message) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

/**
 * Calls the admin API with the token `token()` gives.
 * @param {() => string|null} token
 */
export function adminApi(token) {
  /**
   * @param {string} method @param {string} path @param {unknown} [body] @param {number} [version]
   *   sent as If-Match: the change is made only over that version (else 412)
   * @returns {Promise<{body: any, version: number|null}>}
   */
  async function call(method, path, body, version) {
    /** @type {Record<string, string>} */
    const headers = { authorization: `Bearer ${token() ?? ''}` };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
    }
    if (version) {
      headers['if-match'] = `"${version}"`;
    }
    let res;
    try {
      res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      throw new ApiError(0, 'network', null, 'The server cannot be reached; try again.');
    }
    const text = await res.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: reported below by status
    }
    if (!res.ok) {
      throw new ApiError(res.status, json?.error ?? 'error', json?.field ?? null, json?.message ?? `HTTP ${res.status}`);
    }
    const etag = res.headers.get('etag');
    return { body: json, version: etag ? Number(etag.replace(/\D/g, '')) : null };
  }
  return {
    /** @param {string} path */
    get: (path) => call('GET', path),
    /** @param {string} path @param {unknown} body */
    post: (path, body) => call('POST', path, body),
    /** @param {string} path @param {unknown} body @param {number} [version] */
    put: (path, body, version) => call('PUT', path, body, version),
    /** @param {string} path */
    del: (path) => call('DELETE', path),
  };
}

/** @typedef {ReturnType<typeof adminApi>} AdminApi */
