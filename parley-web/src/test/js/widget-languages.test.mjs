// The widget's languages (widget/languages.js): at least 40, right-to-left ones included; every
// language has every key of English, of the same kind (text or plural), with no placeholder English
// lacks; each plural has `other` and a form for every category Intl.PluralRules gives the whole
// numbers 0..1000 in that language; the pre-chat form's words and the sources label are among them
// (prechat.js has none of its own); the language choice and the functions built from the data.
// No server needed: parley-testkit's WidgetLanguagesTest runs this file alone (JsSdkTest runs it
// with the rest). To allow a key that is not translated yet, list it in PENDING (English only; the
// widget falls back to English for it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { LANGUAGES, RTL } from '../../main/resources/parley-web/widget/languages.js';
import { pickLanguage, stringsFor } from '../../main/resources/parley-web/widget/strings.js';

/** Keys that may exist in English only for now. @type {Set<string>} */
const PENDING = new Set();

const REQUIRED = ['en', 'de', 'fr', 'es', 'it', 'pt', 'nl', 'sv', 'da', 'nb', 'fi', 'pl', 'cs', 'sk', 'hu', 'ro', 'bg', 'el',
  'ru', 'uk', 'tr', 'ar', 'he', 'fa', 'ur', 'hi', 'bn', 'ta', 'zh', 'ja', 'ko', 'vi', 'th', 'id', 'ms', 'tl', 'sw', 'hr',
  'sr', 'sl', 'lt', 'lv', 'et', 'ca'];

/** @param {string} s @returns {Set<string>} */
const placeholders = (s) => new Set(s.match(/\{\w+\}/g) ?? []);

/** @param {unknown} v @returns {string[]} every text of a value */
const texts = (v) => (typeof v === 'string' ? [v] : Object.values(/** @type {object} */ (v)));

test('there are at least 40 languages, the right-to-left ones among them', () => {
  assert.ok(Object.keys(LANGUAGES).length >= 40);
  for (const l of REQUIRED) {
    assert.ok(LANGUAGES[l], `missing language ${l}`);
  }
  for (const l of ['ar', 'he', 'fa', 'ur']) {
    assert.ok(RTL.includes(l), `${l} is not right to left`);
  }
});

test('every language has every key of English, of the same kind and placeholders', () => {
  const problems = [];
  for (const [lang, words] of Object.entries(LANGUAGES)) {
    for (const [key, en] of Object.entries(LANGUAGES.en)) {
      const v = words[key];
      if (v === undefined) {
        if (!PENDING.has(key)) {
          problems.push(`${lang}: missing ${key}`);
        }
        continue;
      }
      if (typeof v !== typeof en) {
        problems.push(`${lang}: ${key} is ${typeof v}, English's is ${typeof en}`);
        continue;
      }
      const allowed = new Set(texts(en).flatMap((t) => [...placeholders(t)]));
      for (const t of texts(v)) {
        if (!t.trim()) {
          problems.push(`${lang}: ${key} is blank`);
        }
        for (const p of placeholders(t)) {
          if (!allowed.has(p)) {
            problems.push(`${lang}: ${key} has ${p}, which English does not`);
          }
        }
      }
      if (typeof v === 'string' && typeof en === 'string') {
        assert.deepEqual(placeholders(v), placeholders(en), `${lang}: ${key}'s placeholders`);
      }
    }
    for (const key of Object.keys(words)) {
      if (!(key in LANGUAGES.en)) {
        problems.push(`${lang}: ${key} is not an English key`);
      }
    }
  }
  assert.deepEqual(problems, []);
});

test('the pre-chat form and the sources label speak every language, nothing of their own', () => {
  const keys = ['prechatIntro', 'prechatName', 'prechatPhone', 'prechatText', 'prechatRequired', 'prechatPhoneInvalid',
    'prechatTooLong', 'sources', 'mailEmail', 'mailInvalid', 'send'];
  const problems = [];
  for (const lang of Object.keys(LANGUAGES)) {
    const t = /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (stringsFor(lang)));
    for (const key of keys) {
      if (!Object.hasOwn(LANGUAGES[lang], key)) {
        problems.push(`${lang}: no ${key} of its own`);
      } else if (t[key] !== LANGUAGES[lang][key]) {
        problems.push(`${lang}: the strings' ${key} is not the language's`);
      }
    }
  }
  assert.deepEqual(problems, []);
  assert.equal(stringsFor('ar').prechatRequired, 'يرجى ملء هذا الحقل.');
  const form = readFileSync(new URL('../../main/resources/parley-web/widget/prechat.js', import.meta.url), 'utf8');
  assert.ok(!form.includes(LANGUAGES.en.prechatName), 'prechat.js keeps words of its own');
});

test('every plural has the forms its language needs for whole numbers', () => {
  const problems = [];
  for (const [lang, words] of Object.entries(LANGUAGES)) {
    const rules = new Intl.PluralRules(lang);
    const needed = new Set();
    for (let n = 0; n <= 1000; n++) {
      needed.add(rules.select(n));
    }
    for (const [key, v] of Object.entries(words)) {
      if (typeof v === 'string') {
        continue;
      }
      if (!v.other) {
        problems.push(`${lang}: ${key} has no "other"`);
      }
      for (const c of needed) {
        if (!(c in v)) {
          problems.push(`${lang}: ${key} lacks the "${c}" form`);
        }
      }
    }
  }
  assert.deepEqual(problems, []);
});

test('the language is the first of the site, data-lang and the browser that the widget speaks', () => {
  assert.equal(pickLanguage([undefined, 'ar', 'de']), 'ar');
  assert.equal(pickLanguage(['de', 'ar']), 'de');
  assert.equal(pickLanguage([null, undefined, 'pt-BR']), 'pt');
  assert.equal(pickLanguage(['zh-TW']), 'zh');
  assert.equal(pickLanguage(['xx', 'iw']), 'he');
  assert.equal(pickLanguage(['xx']), 'en');
  assert.equal(pickLanguage([]), 'en');
});

test('the strings speak numbers and plurals per language', () => {
  const ru = stringsFor('ru-RU');
  assert.equal(ru.unread(1), '1 новое сообщение');
  assert.equal(ru.unread(3), '3 новых сообщения');
  assert.equal(ru.unread(25), '25 новых сообщений');
  const ar = stringsFor('ar');
  assert.equal(ar.dir, 'rtl');
  assert.equal(ar.unread(2), 'رسالتان جديدتان');
  assert.equal(stringsFor('he').dir, 'rtl');
  assert.equal(stringsFor('de').dir, 'ltr');
  assert.equal(stringsFor('en').queued(3, 0), 'You are number 3 in the queue.');
  assert.equal(stringsFor('en').queued(3, 2), 'You are number 3 in the queue (about 2 min).');
  assert.equal(stringsFor('en').tooLong(4000), 'A message can be at most 4,000 characters long.');
  assert.equal(stringsFor('xx').open, 'Open chat');
  for (const lang of Object.keys(LANGUAGES)) {
    const t = stringsFor(lang);
    for (const s of [t.unread(1), t.unread(2), t.unread(5), t.unread(21), t.tooLong(4000), t.queued(2, 3), t.typing('A')]) {
      assert.ok(!/\{\w+\}/.test(s), `${lang}: "${s}" keeps a placeholder`);
    }
  }
});
