// @ts-check
// The pre-chat form and the visitor context (docs/PROTOCOL.md#prechat, #context). When the site's
// appearance has a form (docs/OPERATIONS.md#pre-chat-form) and the server says it is not filled in
// for this conversation (`prechat` event), the form takes the composer's place until it is sent and
// accepted. Each answer is checked here as the server checks it (per field, with a message under the
// field); the server's refusal names the field too and is shown the same way. Separately, once per
// conversation and page load, the widget reports the page and the browser (`context`) for the
// agents' visitor panel. Nothing here is trusted by the server: it checks and bounds every field.
// The form's words are the widget's (`prechat*` in languages.js, every language it speaks).

/** @typedef {import('./panel.js').Panel} Panel */
/** @typedef {import('./strings.js').Strings} Strings */
/** @typedef {import('../sdk/parley.js').ParleyClient} ParleyClient */

/**
 * A form field as /api/sites/{site}/appearance gives it.
 * @typedef {{key: string, kind: 'name'|'email'|'phone'|'text', label?: string, required?: boolean, maxLength?: number}} Field
 */

/** An email address as the server takes it (PrechatForm.EMAIL). */
export const EMAIL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/** A phone number as the server takes it: 3-32 of digits, spaces and + ( ) . / -, 3 digits at least. */
export const PHONE = /^\+?[0-9 ()./-]{3,32}$/;

/**
 * What is wrong with `value` as the answer to `f` (the server's rules), or null.
 * @param {Field} f @param {string} value @returns {'required'|'email'|'phone'|'long'|null}
 */
export function problem(f, value) {
  const v = value.trim();
  if (!v) {
    return f.required ? 'required' : null;
  }
  if ([...v].length > (f.maxLength ?? 500) || /[\u0000-\u001f\u007f]/.test(v)) {
    return 'long';
  }
  if (f.kind === 'email' && !EMAIL.test(v)) {
    return 'email';
  }
  if (f.kind === 'phone' && (!PHONE.test(v) || v.replace(/\D/g, '').length < 3)) {
    return 'phone';
  }
  return null;
}

/**
 * What the page says of itself and the browser, cut to the protocol's bounds.
 * @returns {import('../sdk/protocol.js').VisitorContext}
 */
export function pageContext() {
  /** @param {string} s @param {number} n */
  const cut = (s, n) => (s.length > n ? s.slice(0, n) : s);
  const web = (/** @type {string} */ u) => (/^https?:\/\//i.test(u) && u.length <= 2048 ? u : undefined);
  /** @type {import('../sdk/protocol.js').VisitorContext} */
  const c = {
    url: web(location.href), referrer: web(document.referrer), title: [...document.title].slice(0, 300).join('') || undefined,
    utcOffsetMinutes: -new Date().getTimezoneOffset(), userAgent: cut(navigator.userAgent, 512),
  };
  try {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    c.timeZone = /^[A-Za-z0-9_+/-]{1,64}$/.test(zone) ? zone : undefined;
  } catch {
    // no Intl time zone: the offset says enough
  }
  return c;
}

/**
 * Wires the form and the context report to a mounted widget.
 * @param {ParleyClient} client @param {Panel} ui
 * @param {Promise<{prechat?: Field[]}|null>} look the site's appearance
 * @param {() => Strings} words the widget's current words
 */
export function attachVisitorInfo(client, ui, look, words) {
  /** @type {Field[]} */
  let fields = [];
  /** @type {{conv: string, done: boolean}|null} */
  let state = null;
  /** The answers last sent, for a retry. @type {Record<string, string>|null} */
  let sent = null;
  const reported = new Set();
  const form = /** @type {HTMLFormElement} */ (document.createElement('form'));
  form.className = 'prechat';
  form.setAttribute('part', 'prechat');
  form.noValidate = true;
  form.hidden = true;
  ui.panel.insertBefore(form, ui.form);
  /** @type {Map<string, {input: HTMLInputElement, error: HTMLElement}>} */
  const inputs = new Map();

  /** A field's label where the site gives none, in the widget's language. @param {Field} f */
  const labelOf = (f) => {
    const t = words();
    return { name: t.prechatName, email: t.mailEmail, phone: t.prechatPhone, text: t.prechatText }[f.kind];
  };
  const render = () => {
    const t = words();
    form.replaceChildren();
    inputs.clear();
    const intro = document.createElement('p');
    intro.className = 'question';
    intro.textContent = t.prechatIntro;
    form.append(intro);
    for (const f of fields) {
      const id = `parley-prechat-${f.key}`;
      const label = document.createElement('label');
      label.htmlFor = id;
      label.textContent = (f.label || labelOf(f)) + (f.required ? ' *' : '');
      const input = document.createElement('input');
      input.id = id;
      input.name = f.key;
      input.type = f.kind === 'email' ? 'email' : f.kind === 'phone' ? 'tel' : 'text';
      input.autocomplete = f.kind === 'name' ? 'name' : f.kind === 'email' ? 'email' : f.kind === 'phone' ? 'tel' : 'off';
      input.maxLength = f.maxLength ?? 500;
      if (f.kind === 'email' || f.kind === 'phone') {
        input.dir = 'auto'; // an address or a number reads left to right in a right-to-left widget too
      }
      input.required = Boolean(f.required);
      const error = document.createElement('span');
      error.className = 'field-error';
      error.id = `${id}-error`;
      error.setAttribute('role', 'alert');
      input.setAttribute('aria-describedby', error.id);
      inputs.set(f.key, { input, error });
      form.append(label, input, error);
    }
    const send = document.createElement('button');
    send.type = 'submit';
    send.textContent = t.send;
    form.append(send);
  };
  /** @param {string} key @param {string|null} message */
  const mark = (key, message) => {
    const i = inputs.get(key);
    if (!i) {
      return;
    }
    i.error.textContent = message ?? '';
    i.input.setAttribute('aria-invalid', message ? 'true' : 'false');
  };
  /** What the widget says of a problem, in its language. @param {string} kind */
  const say = (kind) => {
    const t = words();
    return { required: t.prechatRequired, email: t.mailInvalid, phone: t.prechatPhoneInvalid, long: t.prechatTooLong }[kind] ?? kind;
  };
  const show = () => {
    const on = Boolean(state && !state.done && fields.length);
    if (on && !form.childElementCount) {
      render();
    }
    form.hidden = !on;
    ui.form.hidden = on;
  };

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!state) {
      return;
    }
    /** @type {Record<string, string>} */
    const values = {};
    let first = null;
    for (const f of fields) {
      const i = inputs.get(f.key);
      const v = i?.input.value ?? '';
      const p = problem(f, v);
      mark(f.key, p ? say(p) : null);
      if (p && !first) {
        first = i?.input;
      }
      if (v.trim()) {
        values[f.key] = v.trim();
      }
      if (f.kind === 'email' && !p && v.trim() && !ui.mailEmail.value) {
        ui.mailEmail.value = v.trim(); // the away offer's address, should the visitor want mail
      }
    }
    if (first) {
      first.focus();
      return;
    }
    sent = values;
    client.prechat(state.conv, values);
  });
  look.then((a) => {
    fields = a?.prechat ?? [];
    show();
  });
  client.on('prechat', (p) => {
    state = { conv: p.conv, done: p.done };
    show();
  });
  client.on('error', (e) => {
    if (!e.ref?.startsWith('prechat-')) {
      return;
    }
    if (e.field) {
      mark(e.field, e.field === 'email' ? words().mailInvalid : e.message);
      inputs.get(e.field)?.input.focus();
    } else if (e.retry && sent && state && !state.done) {
      // Retryable (a new conversation over the address's budget, the store busy): send the same
      // answers again when the server says, at most half a minute later.
      const values = sent;
      setTimeout(() => state && !state.done && client.prechat(state.conv, values), Math.min(e.retryAfterMs ?? 1000, 30000));
    }
  });
  client.on('conversation', (c) => {
    if (!reported.has(c.conv)) {
      reported.add(c.conv);
      client.context(c.conv, pageContext());
    }
  });
  return { refresh: () => { if (form.childElementCount) { render(); } show(); } };
}
