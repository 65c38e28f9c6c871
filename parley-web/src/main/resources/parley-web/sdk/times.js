// @ts-check
// When a message was stored, as the widget and the agent console show it (docs/CLIENTS.md#timestamps):
// hours and minutes for a message of today, the date too for an older one (the year as well when
// it is not this year's), in a given language (Intl.DateTimeFormat, the browser's time zone); the
// full date and time for a tooltip. Formatters are made once per language and kind.

/** @type {Map<string, Intl.DateTimeFormat>} */
const formats = new Map();

/**
 * A formatter for `lang` (undefined: the browser's language); a tag Intl does not know falls back
 * to the browser's.
 * @param {string|undefined} lang @param {'time'|'date'|'year'|'full'} kind @returns {Intl.DateTimeFormat}
 */
function format(lang, kind) {
  const key = `${lang ?? ''}|${kind}`;
  let f = formats.get(key);
  if (!f) {
    /** @type {Intl.DateTimeFormatOptions} */
    const time = { hour: '2-digit', minute: '2-digit' };
    /** @type {Record<string, Intl.DateTimeFormatOptions>} */
    const options = {
      time,
      date: { ...time, day: 'numeric', month: 'short' },
      year: { ...time, day: 'numeric', month: 'short', year: 'numeric' },
      full: { dateStyle: 'full', timeStyle: 'short' },
    };
    try {
      f = new Intl.DateTimeFormat(lang, options[kind]);
    } catch {
      f = new Intl.DateTimeFormat(undefined, options[kind]);
    }
    formats.set(key, f);
  }
  return f;
}

/**
 * How a message's time shows: `text` (the time today, the date and time before), `full` (for its
 * tooltip) and `iso` (a `time` element's `datetime`).
 * @param {number} ts epoch milliseconds
 * @param {{lang?: string, now?: number}} [opts] `now`: when "today" is (default: now)
 * @returns {{text: string, full: string, iso: string}}
 */
export function messageTime(ts, { lang, now = Date.now() } = {}) {
  const at = new Date(ts);
  const today = new Date(now);
  const sameDay = at.getFullYear() === today.getFullYear() && at.getMonth() === today.getMonth()
    && at.getDate() === today.getDate();
  const kind = sameDay ? 'time' : at.getFullYear() === today.getFullYear() ? 'date' : 'year';
  return { text: format(lang, kind).format(at), full: format(lang, 'full').format(at), iso: at.toISOString() };
}
