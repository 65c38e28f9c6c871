// @ts-check
// The widget's words in the visitor's language: the data is languages.js (44 languages, RTL ones
// included); this picks the language (the site's choice, else data-lang, else the browser's
// languages, else English) and turns the data into functions, numbers and plurals per language
// (Intl.NumberFormat, Intl.PluralRules). docs/CLIENTS.md#languages.

import { LANGUAGES, RTL } from './languages.js';

/** @typedef {import('./languages.js').Plural} Plural */

/**
 * @typedef {object} Strings
 * @property {string} lang the language these are in (a key of LANGUAGES)
 * @property {'ltr'|'rtl'} dir its writing direction
 * @property {string} open
 * @property {string} close
 * @property {string} title
 * @property {string} placeholder
 * @property {string} send
 * @property {string} human
 * @property {string} stop
 * @property {string} connecting
 * @property {string} reconnecting
 * @property {string} offline
 * @property {(position: number, minutes: number) => string} queued
 * @property {(who: string) => string} typing
 * @property {string} bot
 * @property {string} pending
 * @property {string} sent
 * @property {string} delivered
 * @property {string} read
 * @property {string} failed
 * @property {string} log
 * @property {(n: number) => string} unread
 * @property {(max: number) => string} tooLong
 * @property {string} rate the question after a resolved conversation
 * @property {string} rateGood
 * @property {string} rateBad
 * @property {string} rateComment the optional comment's label
 * @property {string} rateThanks
 * @property {string} mailAway the offer to leave an email while nobody can answer
 * @property {string} mailEmail the address field's label
 * @property {string} mailSave
 * @property {string} mailInvalid a refused address
 * @property {string} mailOnFile once an address is on file
 * @property {string} mailTranscript the button that asks for the transcript by email
 * @property {string} mailTranscriptSent
 * @property {string} mailLimited too many transcripts
 * @property {string} prechatIntro the pre-chat form's first line (prechat.js)
 * @property {string} prechatName a `name` field's label where the site gives none
 * @property {string} prechatPhone a `phone` field's
 * @property {string} prechatText a `text` field's
 * @property {string} prechatRequired a required field left empty
 * @property {string} prechatPhoneInvalid a refused phone number
 * @property {string} prechatTooLong an answer over its field's length
 * @property {string} sources the label of the sources an answer cites
 * @property {string} closeImage the full-size image viewer's close button
 * @property {string} attach the attach button
 * @property {string} emoji the emoji button and its picker (sdk/emoji.js)
 * @property {string} fileTooLarge an upload refused as `file_too_large`
 * @property {string} fileType refused as `unsupported_type`
 * @property {string} fileLimit refused as `too_many_files`, `too_many_attachments` or `rate_limited`
 * @property {string} fileFailed any other failed upload (`busy`, the network…)
 * @property {(name: string) => string} removeFile a listed file's remove button (sdk/uploads.js)
 *
 * Voice notes (widget/voice.js; the words are in languages/voice.js):
 * @property {string} voiceRecord the microphone button while idle
 * @property {string} voiceStop the same button while recording
 * @property {string} voiceCancel the recording bar's cancel button
 * @property {string} voiceRecording said when a recording starts
 * @property {(time: string) => string} voiceLeft the time left, e.g. `1:57`
 * @property {string} voiceAttached said when a stopped recording goes into the upload tray
 * @property {string} voiceCancelled said when a recording is discarded
 * @property {string} voiceLimit said when the recording stopped at the site's limit
 * @property {string} voiceDenied the microphone refused
 * @property {string} voiceNoDevice no microphone
 * @property {string} voiceFailed any other failed recording

 * @property {string} readAloud spoken answers (speaker.js): an answer's button while it is not read
 * @property {string} stopReading the same button while the answer is read
 */

/**
 * The language of ours for a tag such as `pt-BR`, `zh-TW` or `de` (its primary subtag, old codes
 * mapped), or null when we have none.
 * @param {string|undefined|null} tag @returns {string|null}
 */
export function languageOf(tag) {
  if (!tag) {
    return null;
  }
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0];
  /** @type {Record<string, string>} */
  const aliases = { iw: 'he', in: 'id', no: 'nb', nn: 'nb', fil: 'tl', sh: 'hr', bs: 'hr' };
  const code = aliases[primary] ?? primary;
  return Object.hasOwn(LANGUAGES, code) ? code : null;
}

/**
 * The first of `tags` (best first: the site's choice, the page's data-lang, the browser's
 * languages) that we speak, else `en`.
 * @param {ReadonlyArray<string|undefined|null>} tags @returns {string}
 */
export function pickLanguage(tags) {
  for (const t of tags) {
    const code = languageOf(t);
    if (code) {
      return code;
    }
  }
  return 'en';
}

/** Whether `code` is written right to left. @param {string} code */
export function isRtl(code) {
  return RTL.includes(code);
}

/**
 * The words of `code`, English where it lacks a key (a key added in English first).
 * @param {string} code @returns {Record<string, string|Plural>}
 */
function words(code) {
  return { ...LANGUAGES.en, ...(LANGUAGES[code] ?? {}) };
}

/** The strings for a language tag such as `de` or `de-AT` (English when unknown). @param {string} tag @returns {Strings} */
export function stringsFor(tag) {
  const lang = languageOf(tag) ?? 'en';
  const w = words(lang);
  const numbers = new Intl.NumberFormat(lang);
  const plurals = new Intl.PluralRules(lang);
  /** @param {string} key @returns {string} */
  const text = (key) => {
    const v = w[key];
    return typeof v === 'string' ? v : v.other;
  };
  /** @param {string} template @param {Record<string, string|number>} args @returns {string} */
  const fill = (template, args) =>
    template.replace(/\{(\w+)\}/g, (m, name) => {
      const v = args[name];
      return v === undefined ? m : typeof v === 'number' ? numbers.format(v) : v;
    });
  /** @param {string} key @param {number} n @param {string} name @returns {string} */
  const plural = (key, n, name) => {
    const v = w[key];
    const form = typeof v === 'string' ? v : v[plurals.select(n)] ?? v.other;
    return fill(form, { [name]: n });
  };
  return {
    lang,
    dir: isRtl(lang) ? 'rtl' : 'ltr',
    open: text('open'), close: text('close'), title: text('title'), placeholder: text('placeholder'),
    send: text('send'), human: text('human'), stop: text('stop'), connecting: text('connecting'),
    reconnecting: text('reconnecting'), offline: text('offline'),
    queued: (pos, min) => fill(text(min ? 'queuedWait' : 'queued'), { pos, min }),
    typing: (who) => fill(text('typing'), { who }),
    bot: text('bot'), pending: text('pending'), sent: text('sent'), delivered: text('delivered'),
    read: text('read'), failed: text('failed'), log: text('log'),
    unread: (n) => plural('unread', n, 'n'),
    tooLong: (max) => plural('tooLong', max, 'max'),
    rate: text('rate'), rateGood: text('rateGood'), rateBad: text('rateBad'),
    rateComment: text('rateComment'), rateThanks: text('rateThanks'),
    mailAway: text('mailAway'), mailEmail: text('mailEmail'), mailSave: text('mailSave'), mailInvalid: text('mailInvalid'),
    mailOnFile: text('mailOnFile'), mailTranscript: text('mailTranscript'), mailTranscriptSent: text('mailTranscriptSent'),
    mailLimited: text('mailLimited'),
    prechatIntro: text('prechatIntro'), prechatName: text('prechatName'), prechatPhone: text('prechatPhone'),
    prechatText: text('prechatText'), prechatRequired: text('prechatRequired'),
    prechatPhoneInvalid: text('prechatPhoneInvalid'), prechatTooLong: text('prechatTooLong'), sources: text('sources'),
    closeImage: text('closeImage'), attach: text('attach'), emoji: text('emoji'), fileTooLarge: text('fileTooLarge'),
    fileType: text('fileType'), fileLimit: text('fileLimit'), fileFailed: text('fileFailed'),
    removeFile: (name) => fill(text('removeFile'), { name }),
    // voice notes (widget/voice.js)
    voiceRecord: text('voiceRecord'), voiceStop: text('voiceStop'), voiceCancel: text('voiceCancel'),
    voiceRecording: text('voiceRecording'), voiceLeft: (time) => fill(text('voiceLeft'), { time }),
    voiceAttached: text('voiceAttached'), voiceCancelled: text('voiceCancelled'), voiceLimit: text('voiceLimit'),
    voiceDenied: text('voiceDenied'), voiceNoDevice: text('voiceNoDevice'), voiceFailed: text('voiceFailed'),
    // spoken answers (speaker.js)
    readAloud: text('readAloud'), stopReading: text('stopReading'),
  };
}
