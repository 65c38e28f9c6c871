// @ts-check
// A site's look, set by its operator in the admin page and served by the server at
// /api/sites/{site}/appearance (cached by the browser, versioned by its ETag): the accent colour,
// the launcher's corner, the title, the launcher's label, an avatar, and those texts per language.
// Applied through the widget's own custom property `--_site-accent` and a data attribute, so a
// host page's own `--parley-accent` and ::part() rules still win (docs/CLIENTS.md#the-widget).

/** @typedef {import('./panel.js').Panel} Panel */

/**
 * What /api/sites/{site}/appearance answers (every field may be missing: the widget's default).
 * @typedef {object} Appearance
 * @property {string} [lang] the site's language, a tag such as `de`: the widget speaks it whatever
 *   the page or the browser says (docs/OPERATIONS.md#widget-appearance)
 * @property {string} [botName]
 * @property {string} [accent] `#rrggbb`
 * @property {'bottom-right'|'bottom-left'} [position]
 * @property {string} [title]
 * @property {string} [launcherText]
 * @property {string} [avatarUrl] an https URL or a path on the Parley server
 * @property {Record<string, {title?: string, launcherText?: string}>} [texts] per language tag
 * @property {import('./prechat.js').Field[]} [prechat] the pre-chat form's fields, when the site has it on
 * @property {{maxSeconds: number}} [voice] the longest voice note, when the site takes audio
 *   (widget/voice.js); absent: no microphone button
 * @property {'browser'|'server'} [spokenAnswers] whether the widget reads the bot's answers aloud, and
 *   with what (speaker.js); absent: it does not
 */

const COLOUR = /^#[0-9a-fA-F]{6}$/;

/**
 * The site's appearance from the server at `base`, or null when it has none for this page (the
 * widget then keeps its defaults).
 * @param {URL} base @param {string} site @returns {Promise<Appearance|null>}
 */
export async function fetchAppearance(base, site) {
  try {
    const res = await fetch(new URL(`/api/sites/${encodeURIComponent(site)}/appearance`, base), {
      credentials: 'omit',
    });
    return res.ok ? /** @type {Appearance} */ (await res.json()) : null;
  } catch {
    return null;
  }
}

/**
 * The texts of `lang` (the tag, else its primary language), or none.
 * @param {Appearance} a @param {string} lang @returns {{title?: string, launcherText?: string}}
 */
function textsFor(a, lang) {
  const tag = lang.toLowerCase();
  return a.texts?.[tag] ?? a.texts?.[tag.split('-')[0]] ?? {};
}

/**
 * Restyles the widget's elements with `a` (null: back to the defaults). Call on the page's event
 * loop, as often as the look changes (the admin page's preview does at every keystroke).
 * @param {Panel} ui @param {Appearance|null} a
 * @param {{base: URL, lang: string, title?: string, defaultTitle: string}} o `title`: the page's
 *   data-title, which wins over the site's
 */
export function applyAppearance(ui, a, o) {
  const look = a ?? {};
  const texts = textsFor(look, o.lang);
  if (look.accent && COLOUR.test(look.accent)) {
    ui.host.style.setProperty('--_site-accent', look.accent);
  } else {
    ui.host.style.removeProperty('--_site-accent');
  }
  // The corner mirrors in a right-to-left language: bottom-right is the end corner.
  const rtl = ui.host.dir === 'rtl';
  ui.host.dataset.position = (look.position === 'bottom-left') !== rtl ? 'left' : 'right';
  const title = o.title || texts.title || look.title || o.defaultTitle;
  ui.title.textContent = title;
  ui.panel.setAttribute('aria-label', title);
  const label = texts.launcherText || look.launcherText || '';
  ui.launcherText.textContent = label;
  ui.launcherText.hidden = !label;
  ui.launcher.classList.toggle('labelled', Boolean(label));
  let avatar = null;
  if (look.avatarUrl) {
    const u = new URL(look.avatarUrl, o.base);
    avatar = u.protocol === 'https:' || u.origin === o.base.origin ? u.href : null;
  }
  if (avatar) {
    ui.avatar.src = avatar;
  } else {
    ui.avatar.removeAttribute('src');
  }
  ui.avatar.hidden = !avatar;
}
