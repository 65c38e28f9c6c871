// @ts-check
// Uploads a file to a conversation for the JS SDK (docs/PROTOCOL.md#files, docs/CLIENTS.md#files):
// `POST /api/conversations/{id}/files` with the session's token and an idempotency key. The key is
// made once per file (per File, Blob or byte array object) and reused when the same object is
// uploaded again, so a retry after a network cut stores the file once. Progress comes from
// XMLHttpRequest's upload events in a browser; with fetch (Node) it is reported once, at the end.
// An AbortSignal cancels the request (a signal already aborted sends nothing): the promise rejects
// with code `aborted`, which callers tell apart from a failure.

/**
 * The stored file and links to it, valid until `expiresAt` (epoch ms).
 * @typedef {object} Uploaded
 * @property {{id: string, name: string, type: string, size: number, width?: number, height?: number,
 *   thumbnail: boolean}} file
 * @property {string} url the file's signed link (a path on the server)
 * @property {string} [thumbnailUrl] an image's thumbnail's
 * @property {number} expiresAt
 */

/**
 * @typedef {object} UploadOptions
 * @property {string} [name] the file's name (default: a File's own name, else `file`)
 * @property {string} [key] the idempotency key (default: made once for this object and kept)
 * @property {(sent: number, total: number) => void} [onProgress] bytes sent so far
 * @property {AbortSignal} [signal] cancels the upload
 * @property {string} [site] the site the session is placed on (a visitor's `hello.site`): with an
 *   anonymous visitor's token, what lets the upload open its next conversation (docs/PROTOCOL.md#files)
 * @property {string} [lang] the session's language (`hello.lang`): the greeting's, when it opens one
 */

/** @type {WeakMap<object, string>} the key made for each file object */
const keys = new WeakMap();

/**
 * The idempotency key of `file`: made at its first upload and the same for every later one.
 * @param {object} file @returns {string}
 */
export function keyOf(file) {
  let k = keys.get(file);
  if (!k) {
    k = globalThis.crypto.randomUUID();
    keys.set(file, k);
  }
  return k;
}

/**
 * Uploads `file` to conversation `conv` of the server at `base` (an http(s) origin) with `token`.
 * Rejects with an Error whose `code` is the server's (`file_too_large`, `unsupported_type`, …),
 * `network` (retry with the same file object: same key) or `aborted` (`opts.signal` was aborted: not
 * a failure; the server may still have stored the file, which no message then carries). A `429`
 * (`rate_limited`) is waited out as its `Retry-After` says (2 s without one) and tried again with the
 * same key, up to {@link MAX_RATE_WAIT_MS} in all; then it rejects with `rate_limited`.
 * @param {string} base @param {string} token @param {string} conv
 * @param {Blob|ArrayBuffer|Uint8Array} file @param {UploadOptions} [opts]
 * @returns {Promise<Uploaded>}
 */
export async function uploadFile(base, token, conv, file, opts = {}) {
  const name = opts.name ?? (typeof File !== 'undefined' && file instanceof File ? file.name : 'file');
  const url = new URL(`/api/conversations/${encodeURIComponent(conv)}/files`, base);
  url.searchParams.set('name', name);
  for (const k of /** @type {const} */ (['site', 'lang'])) {
    if (opts[k]) {
      url.searchParams.set(k, /** @type {string} */ (opts[k]));
    }
  }
  const headers = { Authorization: `Bearer ${token}`, 'Idempotency-Key': opts.key ?? keyOf(file) };
  const body = file instanceof Blob ? file : new Blob([/** @type {BlobPart} */ (file)]);
  const total = body.size;
  const progress = opts.onProgress ?? (() => {});
  /** One try: the server's answer, with its Retry-After (seconds) if any. */
  const send = async () => {
    if (opts.signal?.aborted) {
      throw aborted();
    }
    if (typeof XMLHttpRequest !== 'undefined') {
      return /** @type {Promise<Answer>} */ (new Promise((resolve, reject) => {
        const x = new XMLHttpRequest();
        x.open('POST', url);
        for (const [h, v] of Object.entries(headers)) {
          x.setRequestHeader(h, v);
        }
        x.upload.onprogress = (e) => progress(e.loaded, total);
        x.onload = () => resolve({ status: x.status, body: x.responseText, retryAfter: x.getResponseHeader('Retry-After') });
        x.onerror = () => reject(failure('network', 'the upload did not reach the server; try again'));
        x.onabort = () => reject(aborted());
        const cancel = () => x.abort();
        opts.signal?.addEventListener('abort', cancel, { once: true });
        x.onloadend = () => opts.signal?.removeEventListener('abort', cancel);
        x.send(body);
      }));
    }
    try {
      const r = await fetch(url, { method: 'POST', headers, body, signal: opts.signal });
      return { status: r.status, body: await r.text(), retryAfter: r.headers.get('Retry-After') };
    } catch {
      throw opts.signal?.aborted ? aborted() : failure('network', 'the upload did not reach the server; try again');
    }
  };
  // A 429 (rate_limited: the uploader's pace, or the conversation its first upload opens) is
  // waited out and tried again with the same key, for up to MAX_RATE_WAIT_MS in all.
  let answer = await send();
  for (let waited = 0; answer.status === 429 && waited < MAX_RATE_WAIT_MS;) {
    const seconds = Number(answer.retryAfter ?? 2);
    const ms = Math.min(MAX_RATE_WAIT_MS - waited, Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 2000);
    await pause(ms, opts.signal);
    waited += Math.max(ms, 1);
    answer = await send();
  }
  /** @type {any} */
  let json = {};
  try {
    json = JSON.parse(answer.body);
  } catch {
    // not JSON: the status says what happened
  }
  if (answer.status < 200 || answer.status > 299) {
    throw failure(json.error ?? `http_${answer.status}`, json.message ?? 'the upload was refused');
  }
  progress(total, total);
  return json;
}

/** @typedef {{status: number, body: string, retryAfter: string|null}} Answer */

/** How long one upload waits in all for the server's `429 rate_limited` answers before it fails. */
export const MAX_RATE_WAIT_MS = 60_000;

/** Resolves after `ms`, or rejects with `aborted` when `signal` aborts first. @param {number} ms @param {AbortSignal} [signal] */
function pause(ms, signal) {
  return new Promise((resolve, reject) => {
    const stop = () => {
      clearTimeout(timer);
      reject(aborted());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', stop);
      resolve(undefined);
    }, ms);
    signal?.addEventListener('abort', stop, { once: true });
  });
}

/** @param {string} code @param {string} message */
function failure(code, message) {
  return Object.assign(new Error(message), { code });
}

/** The rejection of a cancelled upload. */
function aborted() {
  return failure('aborted', 'the upload was cancelled');
}

/**
 * Fresh signed links of file `id` (`GET /api/files/{id}`, for a participant of its conversation):
 * what a message's attachment is shown or downloaded with. Rejects like `uploadFile`.
 * @param {string} base @param {string} token @param {string} id
 * @returns {Promise<Uploaded>}
 */
export async function fileLinks(base, token, id) {
  const r = await fetch(new URL(`/api/files/${encodeURIComponent(id)}`, base), {
    headers: { Authorization: `Bearer ${token}` },
  }).catch(() => {
    throw failure('network', 'the server could not be reached; try again');
  });
  /** @type {any} */
  const json = await r.json().catch(() => ({}));
  if (!r.ok) {
    throw failure(json.error ?? `http_${r.status}`, json.message ?? 'no such file');
  }
  return json;
}
