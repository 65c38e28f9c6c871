// @ts-check
// Form helpers of the admin page: labelled fields made with DOM calls (no markup strings), each
// carrying the API field it edits (data-field), and the API's field errors shown beside the field
// they name (aria-invalid, aria-describedby) with a summary at the top of the form.

let ids = 0;

/**
 * An element with attributes and children.
 * @param {string} tag @param {Record<string, string>} [attrs] @param {(Node|string)[]} children
 * @returns {HTMLElement}
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    el.setAttribute(k, v);
  }
  el.append(...children);
  return el;
}

/**
 * A labelled field for API field `field`: an input (`type`), a `textarea` or a `select` (`options`).
 * @param {string} label @param {string} field
 * @param {{type?: string, value?: string|number|boolean|null, options?: [string, string][],
 *   hint?: string, rows?: number, attrs?: Record<string, string>}} [o]
 * @returns {HTMLElement} the wrapper; its control is `.control`
 */
export function field(label, field, o = {}) {
  const id = `f${++ids}`;
  /** @type {HTMLInputElement|HTMLTextAreaElement|HTMLSelectElement} */
  let control;
  if (o.options) {
    const s = document.createElement('select');
    for (const [value, text] of o.options) {
      s.append(h('option', { value }, text));
    }
    s.value = o.value == null ? '' : String(o.value);
    control = s;
  } else if (o.type === 'textarea') {
    const t = document.createElement('textarea');
    t.rows = o.rows ?? 3;
    t.value = o.value == null ? '' : String(o.value);
    control = t;
  } else {
    const i = document.createElement('input');
    i.type = o.type ?? 'text';
    if (i.type === 'checkbox') {
      i.checked = Boolean(o.value);
    } else {
      i.value = o.value == null ? '' : String(o.value);
    }
    control = i;
  }
  control.id = id;
  control.name = field;
  control.dataset.field = field;
  control.classList.add('control');
  for (const [k, v] of Object.entries(o.attrs ?? {})) {
    control.setAttribute(k, v);
  }
  const wrap = h('div', { class: `field ${o.type === 'checkbox' ? 'check' : ''}` });
  const l = h('label', { for: id }, label);
  if (o.type === 'checkbox') {
    wrap.append(control, l);
  } else {
    wrap.append(l, control);
  }
  if (o.hint) {
    const hint = h('p', { class: 'hint', id: `${id}-hint` }, o.hint);
    control.setAttribute('aria-describedby', hint.id);
    wrap.append(hint);
  }
  return wrap;
}

/** The value of the control for `name` in `form`. @param {HTMLElement} form @param {string} name */
export function value(form, name) {
  const c = /** @type {HTMLInputElement|null} */ (form.querySelector(`[data-field="${name}"]`));
  if (!c) {
    return '';
  }
  return c.type === 'checkbox' ? c.checked : c.value.trim();
}

/** Removes the field errors shown in `form`. @param {HTMLElement} form */
export function clearErrors(form) {
  form.querySelectorAll('.field-error').forEach((e) => e.remove());
  form.querySelectorAll('[aria-invalid]').forEach((c) => {
    c.removeAttribute('aria-invalid');
    const d = (c.getAttribute('aria-describedby') ?? '').split(' ').filter((x) => !x.endsWith('-error')).join(' ');
    if (d) {
      c.setAttribute('aria-describedby', d);
    } else {
      c.removeAttribute('aria-describedby');
    }
  });
  const summary = form.querySelector('.form-error');
  if (summary) {
    summary.textContent = '';
  }
}

/**
 * Shows `message` beside the control that edits API field `name` (`allowedOrigins[1]` finds
 * `allowedOrigins`, `appearance.texts.de.title` its row's title), and in the form's summary.
 * @param {HTMLElement} form @param {string|null} name @param {string} message
 */
export function showError(form, name, message) {
  const summary = form.querySelector('.form-error');
  if (summary) {
    summary.textContent = message;
  }
  if (!name) {
    return;
  }
  /** @type {HTMLElement|null} */
  let c = null;
  for (let n = name; n && !c; n = n.replace(/(\[\d+\]|\.[^.[]*)$/, '')) {
    c = form.querySelector(`[data-field="${CSS.escape(n)}"]`);
    if (n.replace(/(\[\d+\]|\.[^.[]*)$/, '') === n) {
      break;
    }
  }
  if (!c) {
    return;
  }
  const err = h('p', { class: 'field-error', id: `${c.id}-error` }, message);
  c.setAttribute('aria-invalid', 'true');
  c.setAttribute('aria-describedby', `${c.getAttribute('aria-describedby') ?? ''} ${err.id}`.trim());
  c.closest('.field, .lang-row')?.append(err);
  c.focus();
}
