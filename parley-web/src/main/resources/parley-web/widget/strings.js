// @ts-check
// The widget's words, per language (data-lang, else the browser's; English when unknown).

/**
 * @typedef {object} Strings
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
 */

/**
 * The words per language; a language without some words (a new string not yet translated) shows
 * those in English.
 * @type {{en: Strings} & Record<string, Partial<Strings>>}
 */
export const STRINGS = {
  en: {
    open: 'Open chat', close: 'Close chat', title: 'Chat with us', placeholder: 'Type a message…',
    send: 'Send', human: 'Talk to a human', stop: 'Stop', connecting: 'Connecting…',
    reconnecting: 'Reconnecting… your messages will be sent when we are back.', offline: 'Offline',
    queued: (pos, min) => `You are number ${pos} in the queue` + (min ? ` (about ${min} min).` : '.'),
    typing: (who) => `${who} is typing…`, bot: 'Assistant',
    pending: 'sending', sent: 'sent', delivered: 'delivered', read: 'read', failed: 'not sent',
    log: 'Conversation', unread: (n) => (n === 1 ? '1 new message' : `${n} new messages`),
    tooLong: (max) => `A message can be at most ${max} characters long.`,
    rate: 'How was this chat?', rateGood: 'Good', rateBad: 'Bad', rateComment: 'Anything to add? (optional)',
    rateThanks: 'Thank you for your feedback.',
    mailAway: "We're away right now — leave your email and we'll reply.", mailEmail: 'Your email address',
    mailSave: 'Email me', mailInvalid: 'Please enter a valid email address.',
    mailOnFile: "Thanks — we'll reply to your email if you have left by then.",
    mailTranscript: 'Email me the transcript', mailTranscriptSent: 'The transcript is on its way to your email.',
    mailLimited: 'Too many transcripts for now; please try again later.',
  },
  de: {
    open: 'Chat öffnen', close: 'Chat schließen', title: 'Schreiben Sie uns', placeholder: 'Nachricht schreiben…',
    send: 'Senden', human: 'Mit einem Menschen sprechen', stop: 'Stopp', connecting: 'Verbinde…',
    reconnecting: 'Verbindung wird wiederhergestellt… Ihre Nachrichten werden danach gesendet.', offline: 'Offline',
    queued: (pos, min) => `Sie sind Nummer ${pos} in der Warteschlange` + (min ? ` (etwa ${min} Min.).` : '.'),
    typing: (who) => `${who} schreibt…`, bot: 'Assistent',
    pending: 'wird gesendet', sent: 'gesendet', delivered: 'zugestellt', read: 'gelesen', failed: 'nicht gesendet',
    log: 'Unterhaltung', unread: (n) => (n === 1 ? '1 neue Nachricht' : `${n} neue Nachrichten`),
    tooLong: (max) => `Eine Nachricht darf höchstens ${max} Zeichen lang sein.`,
    rate: 'Wie war dieser Chat?', rateGood: 'Gut', rateBad: 'Schlecht', rateComment: 'Möchten Sie etwas ergänzen? (optional)',
    rateThanks: 'Vielen Dank für Ihre Rückmeldung.',
  },
};

/** The strings for a language code such as `de` or `de-AT`. @param {string} lang @returns {Strings} */
export function stringsFor(lang) {
  return { ...STRINGS.en, ...STRINGS[lang.slice(0, 2).toLowerCase()] };
}
