// Emoji input (sdk/emoji.js, docs/CLIENTS.md#emoji) without a browser: the emoji offered, the text
// after an insertion at the caret or over a selection (with the `input` event the composer's
// counter listens to), and where the arrow keys move the focus in the picker's grid. The picker's
// DOM (keyboard, focus, click outside) is driven in Chromium by attachments.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { COLUMNS, EMOJI, insertAtCaret, insertText, moveFocus } from '../../main/resources/parley-web/sdk/emoji.js';
import { textLength } from '../../main/resources/parley-web/sdk/text.js';

test('the picker offers full rows of distinct emoji, each a few code points', () => {
  assert.ok(EMOJI.length >= 32);
  assert.equal(EMOJI.length % COLUMNS, 0);
  assert.equal(new Set(EMOJI).size, EMOJI.length);
  for (const e of EMOJI) {
    assert.match(e, /^\p{Extended_Pictographic}\uFE0F?$/u, `not one emoji: ${e}`);
    assert.ok(textLength(e) <= 2);
  }
});

test('an emoji goes in at the caret, or in place of the selection, the caret after it', () => {
  assert.deepEqual(insertText('', 0, 0, '👍'), { value: '👍', caret: 2 });
  assert.deepEqual(insertText('Thanks!', 6, 6, ' 🙏'), { value: 'Thanks 🙏!', caret: 9 });
  assert.deepEqual(insertText('I am sad today', 5, 8, '😢'), { value: 'I am 😢 today', caret: 7 });
  assert.deepEqual(insertText('backwards', 4, 0, '😀'), { value: '😀wards', caret: 2 }, 'a selection made leftwards');
  assert.deepEqual(insertText('ab', 7, 9, '🎉'), { value: 'ab🎉', caret: 4 }, 'past the end: at the end');
});

test('insertAtCaret puts the emoji in the box, moves the caret, focuses the box and fires a bubbling input', () => {
  /** @type {Event[]} */
  const events = [];
  let focused = false;
  const box = {
    value: 'Hello world', selectionStart: 6, selectionEnd: 11,
    focus() { focused = true; },
    /** @param {number} s @param {number} e */
    setSelectionRange(s, e) { this.selectionStart = s; this.selectionEnd = e; },
    /** @param {Event} e */
    dispatchEvent(e) { events.push(e); return true; },
  };
  insertAtCaret(/** @type {any} */ (box), '👋');
  assert.equal(box.value, 'Hello 👋');
  assert.equal(textLength(box.value), 7, 'the counter counts the emoji as one');
  assert.equal(box.selectionStart, 8);
  assert.equal(box.selectionEnd, 8);
  assert.ok(focused);
  assert.equal(events.length, 1);
  assert.equal(events[0].type, 'input');
  assert.ok(events[0].bubbles);

  insertAtCaret(/** @type {any} */ (box), '!');
  assert.equal(box.value, 'Hello 👋!', 'the next one follows the caret');
});

test('arrow keys move in the grid, mirrored right to left; Home and End go to the ends; other keys do not move', () => {
  const n = 48;
  assert.equal(moveFocus('ArrowRight', 0, n, 8, false), 1);
  assert.equal(moveFocus('ArrowLeft', 1, n, 8, false), 0);
  assert.equal(moveFocus('ArrowLeft', 0, n, 8, false), 0, 'stays at the first');
  assert.equal(moveFocus('ArrowDown', 3, n, 8, false), 11);
  assert.equal(moveFocus('ArrowUp', 11, n, 8, false), 3);
  assert.equal(moveFocus('ArrowUp', 3, n, 8, false), 3, 'no row above');
  assert.equal(moveFocus('ArrowDown', 44, n, 8, false), 44, 'no row below');
  assert.equal(moveFocus('ArrowRight', 5, n, 8, true), 4, 'right to left: right goes back');
  assert.equal(moveFocus('ArrowLeft', 5, n, 8, true), 6);
  assert.equal(moveFocus('Home', 20, n, 8, false), 0);
  assert.equal(moveFocus('End', 20, n, 8, false), 47);
  assert.equal(moveFocus('Enter', 20, n, 8, false), null);
  assert.equal(moveFocus('a', 20, n, 8, false), null);
});
