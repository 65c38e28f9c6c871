// @ts-check
// The widget's elements inside its Shadow DOM: the launcher button and the chat panel, with the
// `part` names a host page styles through ::part() (docs/CLIENTS.md#the-widget), and its
// stylesheet (widget.css, a file: nothing inline, so a strict Content-Security-Policy holds).

import { lineIcon } from '../sdk/icons.js';

/** @typedef {import('./strings.js').Strings} Strings */

/**
 * An element with attributes and children, made with DOM calls (no markup strings: a host page that
 * enforces Trusted Types allows no innerHTML).
 * @param {string} tag @param {Record<string, string>} [attrs] @param {(Node|string)[]} children
 * @returns {HTMLElement}
 */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    el.setAttribute(k, v);
  }
  el.append(...children);
  return el;
}

/** The speech-bubble icon of the launcher. @returns {SVGSVGElement} */
function icon() {
  return lineIcon(document, ['M21 15a2 2 0 0 1-2 2H7l-4 4V5a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2z'], { size: 28 });
}

/**
 * The widget's elements.
 * @typedef {object} Panel
 * @property {HTMLElement} host the element in the page (`#parley-widget`)
 * @property {ShadowRoot} root
 * @property {HTMLButtonElement} launcher
 * @property {HTMLElement} launcherText the site's label beside the launcher's icon
 * @property {HTMLImageElement} avatar the site's avatar or logo in the header
 * @property {HTMLElement} badge
 * @property {HTMLElement} panel
 * @property {HTMLElement} title
 * @property {HTMLElement} agent
 * @property {HTMLButtonElement} close
 * @property {HTMLElement} status
 * @property {HTMLElement} log
 * @property {HTMLElement} typing
 * @property {HTMLButtonElement} human
 * @property {HTMLButtonElement} stop
 * @property {HTMLFormElement} form
 * @property {HTMLTextAreaElement} input
 * @property {HTMLButtonElement} send
 * @property {HTMLElement} counter
 * @property {HTMLFormElement} rating the question after a resolved conversation
 * @property {HTMLInputElement} ratingComment
 * @property {HTMLButtonElement} rateGood
 * @property {HTMLButtonElement} rateBad
 * @property {HTMLElement} ratingThanks
 * @property {HTMLFormElement} mail the offer to leave an email while nobody can answer (away mail)
 * @property {HTMLInputElement} mailEmail
 * @property {HTMLElement} mailNote a refused address, or the transcript's outcome
 * @property {HTMLElement} mailOnFile what happens once an address is on file
 * @property {HTMLButtonElement} transcript "Email me the transcript"
 */

/**
 * Adds the widget to the page: a `#parley-widget` host at the end of the body, its Shadow DOM,
 * the stylesheet at `cssUrl` (the host stays hidden until it has loaded, so nothing shows
 * unstyled) and until `ready` settles (the site's look is known), and the words of `t`.
 * @param {string} cssUrl @param {Strings} t @param {string} [title]
 * @param {Promise<unknown>} [ready] @param {HTMLElement} [container] where the host goes (default:
 *   the page's body)
 * @returns {Panel}
 */
export function createPanel(cssUrl, t, title, ready = Promise.resolve(), container = document.body) {
  const host = document.createElement('div');
  host.id = 'parley-widget';
  host.hidden = true;
  const root = host.attachShadow({ mode: 'open' });
  const css = document.createElement('link');
  css.rel = 'stylesheet';
  css.href = cssUrl;
  const styled = new Promise((resolve) => {
    css.addEventListener('load', resolve);
    css.addEventListener('error', () => {
      console.error('parley: the widget\'s stylesheet could not load:', cssUrl);
      resolve(undefined);
    });
  });
  Promise.all([styled, ready.catch(() => undefined)]).then(() => { host.hidden = false; });
  root.appendChild(css);
  const label = h('label', { class: 'sr', for: 'parley-input' });
  /** @type {Panel} */
  const p = {
    host, root,
    launcher: /** @type {HTMLButtonElement} */ (h('button', {
      class: 'launcher', part: 'launcher', type: 'button', 'aria-haspopup': 'dialog', 'aria-expanded': 'false',
    })),
    launcherText: h('span', { class: 'launcher-text', part: 'launcher-text', hidden: '' }),
    avatar: /** @type {HTMLImageElement} */ (h('img', { class: 'avatar', part: 'avatar', alt: '', hidden: '' })),
    badge: h('span', { class: 'badge', part: 'badge', 'aria-hidden': 'true', hidden: '' }),
    panel: h('section', { class: 'panel', part: 'panel', role: 'dialog', 'aria-modal': 'false', hidden: '' }),
    title: h('span', { class: 'title', part: 'title' }),
    agent: h('span', { class: 'agent' }),
    close: /** @type {HTMLButtonElement} */ (h('button', { class: 'close', part: 'close', type: 'button' }, '×')),
    status: h('div', { class: 'status', part: 'status', role: 'status', hidden: '' }),
    log: h('div', {
      class: 'log', part: 'messages', role: 'log', tabindex: '0', 'aria-live': 'polite', 'aria-relevant': 'additions text',
    }),
    typing: h('div', { class: 'typing', part: 'typing', 'aria-live': 'polite' }),
    human: /** @type {HTMLButtonElement} */ (h('button', { class: 'human', type: 'button' })),
    stop: /** @type {HTMLButtonElement} */ (h('button', { class: 'stop', type: 'button', hidden: '' })),
    form: /** @type {HTMLFormElement} */ (h('form', { part: 'composer' })),
    input: /** @type {HTMLTextAreaElement} */ (h('textarea', { id: 'parley-input', part: 'input', rows: '1' })),
    send: /** @type {HTMLButtonElement} */ (h('button', { class: 'send', part: 'send', type: 'submit' })),
    counter: h('span', { class: 'counter', part: 'counter', 'aria-live': 'polite', hidden: '' }),
    rating: /** @type {HTMLFormElement} */ (h('form', { class: 'rating', part: 'rating', hidden: '' })),
    ratingComment: /** @type {HTMLInputElement} */ (h('input', {
      id: 'parley-rating-comment', type: 'text', maxlength: '1000', autocomplete: 'off',
    })),
    rateGood: /** @type {HTMLButtonElement} */ (h('button', { class: 'good', type: 'submit', value: 'good' })),
    rateBad: /** @type {HTMLButtonElement} */ (h('button', { class: 'bad', type: 'submit', value: 'bad' })),
    ratingThanks: h('p', { class: 'thanks', role: 'status', hidden: '' }),
    mail: /** @type {HTMLFormElement} */ (h('form', { class: 'mail', part: 'mail', hidden: '' })),
    mailEmail: /** @type {HTMLInputElement} */ (h('input', {
      id: 'parley-mail-email', type: 'email', maxlength: '254', autocomplete: 'email', required: '', dir: 'auto',
    })),
    mailNote: h('p', { class: 'note', role: 'status', hidden: '' }),
    mailOnFile: h('p', { class: 'thanks', hidden: '' }),
    transcript: /** @type {HTMLButtonElement} */ (h('button', { class: 'transcript', part: 'transcript', type: 'button', hidden: '' })),
  };
  p.launcher.append(icon(), p.launcherText, p.badge);
  p.form.append(label, p.input, p.send, p.counter);
  const question = h('p', { class: 'question', id: 'parley-rating-question' });
  const commentLabel = h('label', { for: 'parley-rating-comment' });
  p.rating.setAttribute('aria-labelledby', 'parley-rating-question');
  p.rating.append(question, h('div', { class: 'choices' }, p.rateGood, p.rateBad), commentLabel, p.ratingComment);
  const mailText = h('p', { class: 'question', id: 'parley-mail-question' });
  const mailLabel = h('label', { for: 'parley-mail-email' });
  const mailSave = h('button', { type: 'submit' });
  p.mail.setAttribute('aria-labelledby', 'parley-mail-question');
  p.mail.append(mailText, mailLabel, h('div', { class: 'choices' }, p.mailEmail, mailSave));
  p.panel.append(
    h('header', { part: 'header' }, p.avatar, p.title, p.agent, p.close), p.status, p.log, p.typing, p.rating, p.ratingThanks,
    p.mail, p.mailOnFile, p.mailNote, h('div', { class: 'actions', part: 'actions' }, p.human, p.stop, p.transcript), p.form);
  root.append(p.launcher, p.panel);
  labels.set(p, { question, commentLabel, label, mailText, mailLabel, mailSave });
  applyStrings(p, t, title);
  container.appendChild(host);
  return p;
}

/** The labels a panel has besides its named elements. @type {WeakMap<Panel, {question: HTMLElement, commentLabel: HTMLElement, label: HTMLElement, mailText: HTMLElement, mailLabel: HTMLElement, mailSave: HTMLElement}>} */
const labels = new WeakMap();

/**
 * Puts the words of `t` on the panel (again, when the site picks another language), its language
 * and writing direction on the host: `dir="rtl"` mirrors the layout (widget.css uses logical
 * properties). `title`: the page's data-title, which wins.
 * @param {Panel} p @param {Strings} t @param {string} [title]
 */
export function applyStrings(p, t, title) {
  const l = labels.get(p);
  p.host.lang = t.lang;
  p.host.dir = t.dir;
  if (l) {
    l.question.textContent = t.rate;
    l.commentLabel.textContent = t.rateComment;
    l.label.textContent = t.placeholder;
    l.mailText.textContent = t.mailAway;
    l.mailLabel.textContent = t.mailEmail;
    l.mailSave.textContent = t.mailSave;
  }
  p.mailOnFile.textContent = t.mailOnFile;
  p.transcript.textContent = t.mailTranscript;
  p.rateGood.textContent = `👍 ${t.rateGood}`;
  p.rateBad.textContent = `👎 ${t.rateBad}`;
  p.ratingThanks.textContent = t.rateThanks;
  p.launcher.setAttribute('aria-label', t.open);
  p.title.textContent = title || t.title;
  p.panel.setAttribute('aria-label', title || t.title);
  p.close.setAttribute('aria-label', t.close);
  p.input.placeholder = t.placeholder;
  p.send.textContent = t.send;
  p.human.textContent = t.human;
  p.stop.textContent = t.stop;
  p.log.setAttribute('aria-label', t.log);
}
