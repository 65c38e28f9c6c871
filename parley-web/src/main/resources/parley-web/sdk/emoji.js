// @ts-check
// Emoji input for a composer, in the widget and the agent console (docs/CLIENTS.md#emoji): a button
// beside the 📎 one opens a small picker (a non-modal dialog named by the caller, a grid of common
// emoji as buttons). Arrow keys, Home and End move between them (one tab stop: a roving tabindex);
// Enter, Space or a click puts the emoji at the text box's caret, replacing a selection, closes the
// picker and gives the focus back to the text box, which gets an `input` event (so its counter and
// send button follow, as after typing). Escape closes it with the focus back on the button; a click
// or a focus outside closes it. No markup strings and no style attributes (a strict
// Content-Security-Policy or Trusted Types hold); the page's stylesheet places it. Call on the
// page's event loop.

import { lineIcon } from './icons.js';

/**
 * The emoji offered, most used first: faces, hands and hearts, then a few for support chats.
 * Each one code point or a short sequence; the server counts code points (sdk/text.js).
 */
export const EMOJI = Object.freeze([
  '😀', '😃', '😄', '😁', '😅', '😂', '🙂', '😉',
  '😊', '😍', '😘', '😎', '🤔', '😐', '😕', '😢',
  '😭', '😮', '😱', '😡', '😴', '🤗', '🙄', '😬',
  '👍', '👎', '👌', '👏', '🙏', '👋', '💪', '🤝',
  '❤️', '💔', '🔥', '⭐', '🎉', '✅', '❌', '⚠️',
  '❓', '💡', '📦', '📧', '📞', '⏰', '💰', '☕',
]);

/** Emoji per row of the grid (the stylesheets draw as many columns). */
export const COLUMNS = 8;

/**
 * `value` with `text` in place of the part from `start` to `end` (a caret when equal), and where the
 * caret goes after it.
 * @param {string} value @param {number} start @param {number} end @param {string} text
 * @returns {{value: string, caret: number}}
 */
export function insertText(value, start, end, text) {
  const from = Math.max(0, Math.min(start, end, value.length));
  const to = Math.min(value.length, Math.max(start, end, from));
  return { value: value.slice(0, from) + text + value.slice(to), caret: from + text.length };
}

/**
 * Puts `text` at the box's caret (replacing its selection), moves the caret after it, focuses the
 * box and tells its listeners with a bubbling `input` event.
 * @param {Pick<HTMLTextAreaElement, 'value'|'selectionStart'|'selectionEnd'|'setSelectionRange'|'focus'|'dispatchEvent'>} box
 * @param {string} text
 */
export function insertAtCaret(box, text) {
  const end = box.value.length;
  const next = insertText(box.value, box.selectionStart ?? end, box.selectionEnd ?? end, text);
  box.value = next.value;
  box.focus();
  box.setSelectionRange(next.caret, next.caret);
  box.dispatchEvent(new Event('input', { bubbles: true }));
}

/**
 * The index the focus moves to from `i` for `key` in a grid of `count` cells, `columns` wide
 * (left and right swapped when the page is right to left), or null for any other key.
 * @param {string} key @param {number} i @param {number} count @param {number} columns @param {boolean} rtl
 * @returns {number|null}
 */
export function moveFocus(key, i, count, columns, rtl) {
  const step = { ArrowRight: rtl ? -1 : 1, ArrowLeft: rtl ? 1 : -1, ArrowDown: columns, ArrowUp: -columns }[key];
  if (step !== undefined) {
    const j = i + step;
    return j < 0 || j >= count ? i : j;
  }
  return key === 'Home' ? 0 : key === 'End' ? count - 1 : null;
}

/** A smiling face drawn as SVG (like the paperclip: fonts without emoji still show it), hidden from screen readers. @param {Document} doc */
function faceIcon(doc) {
  return lineIcon(doc, ['M21 12a9 9 0 1 1-18 0a9 9 0 1 1 18 0', 'M8 14s1.5 2 4 2 4-2 4-2M9 9h.01M15 9h.01']);
}

/**
 * The emoji picker of one composer.
 * @typedef {object} EmojiPicker
 * @property {HTMLElement} dialog the picker (`div.emoji-picker[role=dialog]`)
 * @property {() => boolean} isOpen
 * @property {() => void} open shows it, the focus on the last emoji chosen (else the first)
 * @property {(focusButton?: boolean) => void} close hides it (the focus back on the button if asked)
 * @property {() => void} relabel names the button and the picker again (another language)
 */

/**
 * Makes `button` (given a face icon) open an emoji picker for `box`; the picker goes right after
 * the button (its stylesheet places it above the composer).
 * @param {{button: HTMLButtonElement, box: HTMLTextAreaElement, label: () => string, part?: string}} els
 *   `label`: the words for both the button and the picker ("Insert emoji"); `part`: a `part` name
 *   for the picker (the widget's Shadow DOM)
 * @returns {EmojiPicker}
 */
export function wireEmoji({ button, box, label, part }) {
  const doc = button.ownerDocument;
  button.type = 'button';
  button.setAttribute('aria-haspopup', 'dialog');
  button.setAttribute('aria-expanded', 'false');
  button.replaceChildren(faceIcon(doc));
  const dialog = doc.createElement('div');
  dialog.className = 'emoji-picker';
  dialog.setAttribute('role', 'dialog');
  dialog.hidden = true;
  if (part) {
    dialog.setAttribute('part', part);
  }
  const cells = EMOJI.map((e) => {
    const cell = doc.createElement('button');
    cell.type = 'button';
    cell.className = 'emoji';
    cell.textContent = e;
    cell.tabIndex = -1;
    return cell;
  });
  dialog.append(...cells);
  button.after(dialog);
  let current = 0;
  const isOpen = () => !dialog.hidden;

  /** @param {number} i */
  const focusCell = (i) => {
    cells[current].tabIndex = -1;
    current = i;
    cells[i].tabIndex = 0;
    cells[i].focus();
  };
  /** @param {Event} e */
  const outside = (e) => {
    const path = e.composedPath();
    if (!path.includes(dialog) && !path.includes(button)) {
      close(false);
    }
  };
  /** @param {boolean} [focusButton] */
  function close(focusButton = false) {
    if (!isOpen()) {
      return;
    }
    dialog.hidden = true;
    button.setAttribute('aria-expanded', 'false');
    doc.removeEventListener('pointerdown', outside, true);
    if (focusButton) {
      button.focus();
    }
  }
  function open() {
    dialog.hidden = false;
    button.setAttribute('aria-expanded', 'true');
    doc.addEventListener('pointerdown', outside, true);
    focusCell(current);
  }

  button.addEventListener('click', () => (isOpen() ? close(true) : open()));
  dialog.addEventListener('click', (e) => {
    const i = cells.indexOf(/** @type {HTMLButtonElement} */ (/** @type {Element} */ (e.target).closest?.('button.emoji')));
    if (i >= 0) {
      current = i;
      close(false);
      insertAtCaret(box, EMOJI[i]);
    }
  });
  dialog.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation(); // the picker closes, not the widget's panel
      close(true);
      return;
    }
    const rtl = getComputedStyle(dialog).direction === 'rtl';
    const to = moveFocus(e.key, current, cells.length, COLUMNS, rtl);
    if (to !== null) {
      e.preventDefault();
      focusCell(to);
    }
  });
  dialog.addEventListener('focusout', (e) => {
    const next = /** @type {Node|null} */ (e.relatedTarget);
    if (next && !dialog.contains(next) && next !== button) {
      close(false); // Tab (or a click) took the focus elsewhere
    }
  });
  const relabel = () => {
    const words = label();
    button.setAttribute('aria-label', words);
    button.title = words;
    dialog.setAttribute('aria-label', words);
  };
  relabel();
  return { dialog, isOpen, open, close, relabel };
}
