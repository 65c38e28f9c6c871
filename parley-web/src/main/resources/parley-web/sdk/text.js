// @ts-check
// Message text as the protocol counts it (docs/PROTOCOL.md#limits), and the merge of streamed
// answer deltas (docs/PROTOCOL.md#answer). Pure functions.

/** The longest message text the server takes, in Unicode code points (`too_long` beyond). */
export const MAX_TEXT_CODE_POINTS = 4000;

/**
 * The length of `text` in Unicode code points, as the server counts it: an emoji outside the
 * Basic Multilingual Plane is one (JavaScript's `length` counts it as two UTF-16 units).
 * @param {string} text
 * @returns {number}
 */
export function textLength(text) {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // a high surrogate followed by a low one is one code point
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        i++;
      }
    }
    n++;
  }
  return n;
}

/**
 * A streaming answer's text after a `delta`: the delta's text belongs at `offset`; only what lies
 * beyond what is held is appended (a snapshot after a reconnect overlaps what was held).
 * @param {string} held
 * @param {number} offset
 * @param {string} text
 * @returns {string}
 */
export function mergeDelta(held, offset, text) {
  return offset + text.length > held.length ? held.slice(0, offset) + text : held;
}
