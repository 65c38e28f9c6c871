// @ts-check
// The admin page's widget appearance: accent colour, position, title, launcher label, avatar, and
// greeting, title and label per language (docs/OPERATIONS.md#widget-appearance), the pre-chat form
// (admin/prechat.js), with a live
// preview that is the real widget (widget/widget.js mounted in a box, not the page's corner),
// restyled at every change and connected as a visitor of the site — so it is also the place to test
// the site's bot.
import { mount } from '../widget/widget.js';
import { h, field } from './form.js';
import { prechatEditor } from './prechat.js';

/** @typedef {import('../widget/appearance.js').Appearance} Appearance */

/**
 * One language's row: its tag, greeting, title and label.
 * @param {string} tag @param {{greeting?: string, title?: string, launcherText?: string}} t
 * @returns {HTMLElement}
 */
function languageRow(tag, t) {
  const row = h('div', { class: 'lang-row', role: 'group', 'aria-label': `Texts in ${tag || 'a language'}` },
    field('Language', 'lang', { value: tag, hint: 'Like de or pt-BR' }),
    field('Greeting', 'greeting', { type: 'textarea', value: t.greeting, rows: 2 }),
    field('Title', 'title', { value: t.title }),
    field('Launcher label', 'launcherText', { value: t.launcherText }));
  const remove = h('button', { type: 'button', class: 'secondary' }, 'Remove language');
  remove.addEventListener('click', () => {
    const box = row.parentElement;
    row.remove();
    box?.dispatchEvent(new Event('input', { bubbles: true }));
  });
  row.append(remove);
  return row;
}

/**
 * The appearance fieldset of `site`'s editor.
 * @param {any} site @param {boolean} isNew
 * @returns {{fieldset: HTMLElement, collect: () => (Omit<Appearance, 'prechat'> & {texts?: Record<string, object>,
 *   prechat?: import('./prechat.js').Prechat})|undefined,
 *   start: () => (() => void)}}
 */
export function appearanceSection(site, isNew) {
  const a = site.appearance ?? {};
  const accent = field('Accent colour', 'appearance.accent', { value: a.accent, hint: 'Like #0a7d4f', attrs: { placeholder: '#3451d1' } });
  const accentText = /** @type {HTMLInputElement} */ (accent.querySelector('input'));
  const picker = /** @type {HTMLInputElement} */ (h('input', { type: 'color', 'aria-label': 'Pick the accent colour', value: a.accent ?? '#3451d1' }));
  picker.addEventListener('input', () => {
    accentText.value = picker.value;
    accentText.dispatchEvent(new Event('input', { bubbles: true }));
  });
  accent.append(picker);
  const langs = h('div', { class: 'langs' }, ...Object.entries(a.texts ?? {}).map(([tag, t]) => languageRow(tag, t)));
  const add = h('button', { type: 'button', class: 'secondary' }, 'Add a language');
  add.addEventListener('click', () => {
    const row = languageRow('', {});
    langs.append(row);
    row.querySelector('input')?.focus();
  });
  const prechat = prechatEditor(a.prechat);
  const preview = h('div', { class: 'preview', role: 'region', 'aria-label': 'Preview of the widget' });
  const previewLang = field('Preview in language', 'preview.lang', {
    value: navigator.language, hint: 'A tag like de: the preview\'s words, and the saved greeting for it',
  });
  const note = h('p', { class: 'hint' }, isNew
    ? 'Create the site to preview its widget and test its bot here.'
    : 'The real widget, as a visitor of this site sees it (open it to test the bot). It follows your changes; visitors see them once you save.');
  const fieldset = h('fieldset', { class: 'appearance' }, h('legend', {}, 'Widget appearance'),
    h('div', { class: 'look' },
      h('div', { class: 'look-fields' },
        accent,
        field('Position', 'appearance.position', {
          value: a.position ?? 'bottom-right', options: [['bottom-right', 'Bottom right'], ['bottom-left', 'Bottom left']],
        }),
        field('Title', 'appearance.title', { value: a.title }),
        field('Launcher label', 'appearance.launcherText', { value: a.launcherText }),
        field('Avatar or logo URL', 'appearance.avatarUrl', { value: a.avatarUrl, hint: 'An https URL or a path on this server, like /widget/logo.svg' }),
        field('Language', 'appearance.lang', {
          value: a.lang, hint: 'Like de: every visitor gets the widget and the chat in it. Empty: each visitor\'s own',
        }),
        h('h4', {}, 'Texts per language'), langs, add, prechat.element),
      h('div', { class: 'look-preview' }, note, isNew ? '' : previewLang, preview)));

  /** @param {string} name */
  const get = (name) => String(/** @type {HTMLInputElement} */ (fieldset.querySelector(`[data-field="${name}"]`))?.value ?? '').trim();

  /** The appearance in the form (undefined when nothing is set); names each row's fields for errors. */
  function collect() {
    /** @type {Record<string, Record<string, string|undefined>>} */
    const texts = {};
    for (const row of langs.querySelectorAll('.lang-row')) {
      const controls = /** @type {NodeListOf<HTMLInputElement>} */ (row.querySelectorAll('.control'));
      const tag = controls[0].value.trim();
      const base = `appearance.texts.${tag}`;
      controls[0].dataset.field = base;
      ['greeting', 'title', 'launcherText'].forEach((k, i) => { controls[i + 1].dataset.field = `${base}.${k}`; });
      const [greeting, title, launcherText] = [1, 2, 3].map((i) => controls[i].value.trim() || undefined);
      if (tag || greeting || title || launcherText) {
        texts[tag] = { greeting, title, launcherText };
      }
    }
    const look = {
      accent: get('appearance.accent') || undefined,
      position: /** @type {any} */ (get('appearance.position') || undefined),
      title: get('appearance.title') || undefined,
      launcherText: get('appearance.launcherText') || undefined,
      avatarUrl: get('appearance.avatarUrl') || undefined,
      lang: get('appearance.lang') || undefined,
      texts: Object.keys(texts).length ? texts : undefined,
      prechat: prechat.collect(),
    };
    return Object.values(look).some((v) => v !== undefined) ? look : undefined;
  }

  /** Mounts the preview (for a stored site) and follows the form; returns what removes it. */
  function start() {
    if (isNew) {
      return () => {};
    }
    const langInput = /** @type {HTMLInputElement} */ (previewLang.querySelector('input'));
    /** @returns {import('../widget/widget.js').Widget} */
    const start = () => mount({
      base: new URL('/widget.js', location.href).href, site: site.id, appearance: { ...collect(), prechat: undefined, botName: site.botName },
      container: preview, lang: /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}$/.test(langInput.value.trim()) ? langInput.value.trim() : undefined,
    });
    let widget = start();
    /** @param {Event} e */
    const restyle = (e) => {
      if (e.target === langInput) {
        if (e.type === 'change') {
          widget.destroy(); // another language: another visitor, greeted in it
          widget = start();
        }
        return;
      }
      widget.restyle({ ...collect(), prechat: undefined, botName: site.botName });
    };
    fieldset.addEventListener('input', restyle);
    fieldset.addEventListener('change', restyle);
    return () => widget.destroy();
  }
  return { fieldset, collect, start };
}
