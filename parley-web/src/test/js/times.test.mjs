// Message times (sdk/times.js, docs/CLIENTS.md#timestamps): hours and minutes for today, the date
// too for an older message and the year for one of another year, in the language asked for; the
// ISO instant for the `time` element; an unknown language falls back to the browser's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { messageTime } from '../../main/resources/parley-web/sdk/times.js';

/** 14 March 2026, 16:30, local time: "now" for these tests. */
const NOW = new Date(2026, 2, 14, 16, 30).getTime();

test('a message of today shows its hours and minutes only', () => {
  const at = new Date(2026, 2, 14, 9, 5).getTime();
  assert.equal(messageTime(at, { lang: 'de', now: NOW }).text, '09:05');
  assert.match(messageTime(at, { lang: 'en', now: NOW }).text, /^09:05\s?AM$/);
  assert.equal(messageTime(new Date(2026, 2, 14, 0, 0).getTime(), { lang: 'fr', now: NOW }).text, '00:00');
});

test('an older message shows the date and time; one of another year the year too', () => {
  const yesterday = messageTime(new Date(2026, 2, 13, 23, 59).getTime(), { lang: 'de', now: NOW }).text;
  assert.match(yesterday, /13/);
  assert.match(yesterday, /März/);
  assert.match(yesterday, /23:59/);
  assert.doesNotMatch(yesterday, /2026/);
  const lastYear = messageTime(new Date(2025, 11, 31, 8, 0).getTime(), { lang: 'en', now: NOW }).text;
  assert.match(lastYear, /Dec/);
  assert.match(lastYear, /2025/);
  assert.match(lastYear, /08:00/);
  const french = messageTime(new Date(2026, 0, 2, 10, 15).getTime(), { lang: 'fr', now: NOW }).text;
  assert.match(french, /janv/);
});

test('the time carries its instant and a full date for the tooltip', () => {
  const ts = Date.UTC(2026, 2, 14, 8, 5, 30);
  const t = messageTime(ts, { lang: 'en', now: NOW });
  assert.equal(t.iso, '2026-03-14T08:05:30.000Z');
  assert.match(t.full, /March/);
  assert.match(t.full, /2026/);
});

test('a language Intl does not take falls back to the browser\'s, and no language is the browser\'s', () => {
  const at = new Date(2026, 2, 14, 9, 5).getTime();
  assert.equal(messageTime(at, { lang: 'not a language!', now: NOW }).text, messageTime(at, { now: NOW }).text);
});
