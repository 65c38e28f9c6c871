// @ts-check
// The admin page's pre-chat form editor (docs/OPERATIONS.md#pre-chat-form), part of the widget
// appearance: a switch, and a row per field — key, kind, label, required — added and removed in
// place. What it collects is `appearance.prechat`; each control names its API field
// (`appearance.prechat.fields[1].kind`), so the server's refusals show beside it.
import { h, field } from './form.js';

/** @typedef {{key?: string, kind?: string, label?: string, required?: boolean}} PrechatField */
/** @typedef {{enabled?: boolean, fields?: PrechatField[]}} Prechat */

const KINDS = /** @type {[string, string][]} */ ([['name', 'Name'], ['email', 'Email'], ['phone', 'Phone'], ['text', 'Text']]);

/** One field's row. @param {PrechatField} f @returns {HTMLElement} */
function row(f) {
  const r = h('div', { class: 'prechat-row', role: 'group', 'aria-label': `Form field ${f.key || ''}`.trim() },
    field('Key', 'key', { value: f.key, hint: 'a-z 0-9 _, like name' }),
    field('Kind', 'kind', { value: f.kind ?? 'text', options: KINDS }),
    field('Label', 'label', { value: f.label, hint: 'Empty: the widget\'s word' }),
    field('Required', 'required', { type: 'checkbox', value: f.required }));
  const remove = h('button', { type: 'button', class: 'secondary' }, 'Remove field');
  remove.addEventListener('click', () => {
    const box = r.parentElement;
    r.remove();
    box?.dispatchEvent(new Event('input', { bubbles: true }));
  });
  r.append(remove);
  return r;
}

/**
 * The editor of `p` (a site's stored `appearance.prechat`, or none).
 * @param {Prechat|undefined} p
 * @returns {{element: HTMLElement, collect: () => Prechat|undefined}}
 */
export function prechatEditor(p) {
  const on = field('Ask visitors for these before the chat (pre-chat form)', 'appearance.prechat.enabled', {
    type: 'checkbox', value: p?.enabled,
  });
  const rows = h('div', { class: 'prechat-rows' }, ...(p?.fields ?? []).map(row));
  const add = h('button', { type: 'button', class: 'secondary' }, 'Add a form field');
  add.addEventListener('click', () => {
    const r = row({ kind: rows.childElementCount ? 'text' : 'name' });
    rows.append(r);
    r.querySelector('input')?.focus();
  });
  const element = h('div', { class: 'prechat-editor' }, h('h4', {}, 'Pre-chat form'), on, rows, add);

  /** @returns {Prechat|undefined} */
  function collect() {
    /** @type {PrechatField[]} */
    const fields = [];
    rows.querySelectorAll('.prechat-row').forEach((r, i) => {
      const c = /** @type {NodeListOf<HTMLInputElement>} */ (r.querySelectorAll('.control'));
      ['key', 'kind', 'label', 'required'].forEach((k, j) => { c[j].dataset.field = `appearance.prechat.fields[${i}].${k}`; });
      fields.push({ key: c[0].value.trim(), kind: c[1].value, label: c[2].value.trim() || undefined, required: c[3].checked });
    });
    const enabled = /** @type {HTMLInputElement} */ (on.querySelector('input')).checked;
    return enabled || fields.length ? { enabled, fields } : undefined;
  }
  return { element, collect };
}
