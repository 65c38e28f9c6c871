// @ts-check
// The widget's words in every language it speaks: data only, in languages/europe.js,
// languages/baltic.js and languages/world.js, one entry per language (a primary language subtag),
// each with every key of `en` (parley-web/src/test/js/widget-languages.test.mjs checks, and that each plural has the forms
// Intl.PluralRules asks for). `{name}` is replaced; a key whose value is an object is chosen by
// Intl.PluralRules with its number, falling back to `other`. strings.js turns these into the
// widget's Strings; docs/CLIENTS.md#languages says how a language is chosen.
// To add a key: add it to `en` and to every language (or the check fails).

import { EUROPE } from './languages/europe.js';
import { BALTIC } from './languages/baltic.js';
import { WORLD } from './languages/world.js';
import { VOICE } from './languages/voice.js';
import { SPEECH } from './languages/speech.js';

/**
 * One form per plural category (`zero`, `one`, `two`, `few`, `many`), and always `other`.
 * @typedef {{[category: string]: string, other: string}} Plural
 */

/** @typedef {Record<string, string|Plural>} Words */

/** The languages written right to left: the widget's root gets dir="rtl" and mirrors. */
export const RTL = ['ar', 'he', 'fa', 'ur'];

/**
 * Every language, by primary language subtag (`en` first).
 * @type {Record<string, Words>}
 */
export const LANGUAGES = withFeatureWords({ ...EUROPE, ...BALTIC, ...WORLD }, [VOICE, SPEECH]);

/**
 * Each language's words with those of features kept in files of their own (languages/voice.js,
 * languages/speech.js).
 * @param {Record<string, Words>} base @param {Record<string, Words>[]} features
 * @returns {Record<string, Words>}
 */
function withFeatureWords(base, features) {
  return Object.fromEntries(
    Object.entries(base).map(([lang, words]) => [lang, Object.assign({ ...words }, ...features.map((f) => f[lang] ?? {}))]),
  );
}
