// @ts-check
// The shapes of the protocol's events as the JS SDK hands them on (docs/PROTOCOL.md#events). Types
// only: nothing here runs. Import them in JSDoc: `@typedef {import('./protocol.js').Message} Message`.

/**
 * @typedef {object} Welcome
 * @property {'welcome'} type
 * @property {string} session
 * @property {string} user
 * @property {'visitor'|'agent'|'admin'} role
 * @property {string} [token] present it in the next `hello`; a later protocol version may leave it
 *   out, and the SDK then keeps the token it has
 * @property {number} [heartbeatMs]
 * @property {number} [expiresAt]
 */

/**
 * @typedef {object} Message
 * @property {'message'} [type]
 * @property {string} conv
 * @property {number} seq
 * @property {string} id
 * @property {string} from
 * @property {'text'|'bot'|'server'|'system'} kind
 * @property {string} text
 * @property {number} [ts]
 * @property {string} [cid]
 * @property {'stopped'|'interrupted'} [status]
 * @property {MessageMeta} [meta] what it carries besides its text; absent when nothing
 * @property {Attachment[]} [attachments] the files it carries (`meta.attachments`; the SDK sets it,
 *   empty when none)
 */

/**
 * What a message carries besides its text (docs/PROTOCOL.md#message-meta). Every field is optional
 * and more may come: ignore the ones you do not know.
 * @typedef {object} MessageMeta
 * @property {Source[]} [sources] what a bot's answer was drawn from, best first (at most 5)
 * @property {Attachment[]} [attachments] the files the message carries, in the sender's order
 */

/**
 * A file a message carries (docs/PROTOCOL.md#attachments): its metadata only. Fetch its bytes with
 * fresh signed links: `ParleyClient#fileLinks(id)` (`GET /api/files/{id}`).
 * @typedef {object} Attachment
 * @property {string} id
 * @property {string} name at most 120 characters (a longer name is shortened)
 * @property {string} type the media type detected from its bytes
 * @property {number} size in bytes
 * @property {number} [width] an image's, in pixels
 * @property {number} [height]
 * @property {boolean} thumbnail whether it has a thumbnail (images)
 * @property {number} [duration] an audio file's length in seconds, when the server knows it
 * @property {string} [transcript] a voice note's transcript (text, never HTML), when the site
 *   transcribes voice notes
 * @property {string} [transcriptError] why a voice note has no transcript (`timeout`,
 *   `unavailable`, `rejected`, `invalid_answer`)
 */

/**
 * A document an answer cites.
 * @typedef {object} Source
 * @property {string} title
 * @property {string} [url] an http or https URL; absent for a document without one (an uploaded file)
 * @property {string} [snippet] the passage used
 */

/**
 * @typedef {object} Ack
 * @property {'ack'} [type]
 * @property {string} cid
 * @property {string} conv
 * @property {number} seq
 * @property {string} id
 * @property {number} [ts]
 */

/**
 * @typedef {object} Receipt
 * @property {'receipt'} [type]
 * @property {string} conv
 * @property {string} user
 * @property {'delivered'|'read'} kind
 * @property {number} seq
 */

/**
 * @typedef {object} Joined
 * @property {'joined'} [type]
 * @property {string} conv
 * @property {number} lastSeq
 * @property {number} from
 * @property {Receipt[]} [receipts]
 * @property {string[]} [presence] the first 100 users present (ascending)
 * @property {number} [presenceCount] users present in all (more than `presence` when capped)
 * @property {string} [epoch] an ephemeral channel's epoch (docs/PROTOCOL.md#ephemeral-channels)
 */

/**
 * An ephemeral channel's subscriber missed messages the server no longer holds: what follows comes
 * after `from` of `epoch` (docs/PROTOCOL.md#continuity_lost).
 * @typedef {object} ContinuityLost
 * @property {'continuity_lost'} [type]
 * @property {string} conv
 * @property {string} epoch
 * @property {number} from
 * @property {number} lastSeq
 */

/**
 * Several users came and went within one window (coalesced by the server).
 * @typedef {object} PresenceBatch
 * @property {'presence_batch'} [type]
 * @property {string} conv
 * @property {string[]} joined
 * @property {string[]} left
 * @property {number} [omitted] changes left out beyond the 100 named
 * @property {number} [count] users present when it was sent
 */

/**
 * A page of the users present, the answer to `presenceList`.
 * @typedef {object} PresenceList
 * @property {'presence_list'} [type]
 * @property {string} conv
 * @property {number} count
 * @property {string[]} users
 * @property {string} [next] the `after` of the following page; absent on the last
 */

/**
 * @typedef {object} Answer
 * @property {'answer'} [type]
 * @property {string} conv
 * @property {string} id
 * @property {'start'|'delta'|'end'} phase
 * @property {string} [text]
 * @property {number} [offset]
 * @property {'complete'|'stopped'|'interrupted'|'failed'} [status]
 */

/**
 * @typedef {object} Typing
 * @property {'typing'} [type]
 * @property {string} conv
 * @property {string} user
 * @property {boolean} on
 * @property {number} [ttlMs]
 */

/**
 * A chat conversation's state (`status: "new"` with a `greeting` may come from a later server:
 * a conversation that the visitor's first message creates).
 * @typedef {object} Conversation
 * @property {'conversation'} [type]
 * @property {string} conv
 * @property {string} [site]
 * @property {string} status `bot`, `queued`, `assigned`, `resolved` (and later `new`)
 * @property {string} [agent]
 * @property {string} [agentId]
 * @property {string} [visitor]
 * @property {number} [sentiment]
 * @property {number} [position]
 * @property {number} [waitSeconds]
 * @property {string} [note]
 * @property {string} [greeting]
 * @property {'good'|'bad'} [rating] the visitor's rating of a resolved conversation
 * @property {string} [ratingComment]
 * @property {string[]} [labels] agents' view only: the conversation's labels, sorted
 */

/**
 * What a visitor may do by email (sent only when the server sends mail): `away` when nobody can
 * answer now (outside business hours, no agent online), `emailOnFile` when an address was left.
 * @typedef {object} Mail
 * @property {'mail'} [type]
 * @property {string} conv
 * @property {boolean} away
 * @property {boolean} emailOnFile
 */

/**
 * What a widget reports of its page and browser in `context` (docs/PROTOCOL.md#context); every
 * field optional, each bounded (url and referrer 2048, title 300, userAgent 512 characters).
 * @typedef {object} VisitorContext
 * @property {string} [url] @property {string} [title] @property {string} [referrer]
 * @property {string} [timeZone] an IANA name such as `Europe/Berlin`
 * @property {number} [utcOffsetMinutes] east of UTC positive, -840..840
 * @property {string} [userAgent]
 */

/**
 * Whether the site's pre-chat form is still to fill for the conversation (docs/PROTOCOL.md#prechat).
 * @typedef {object} Prechat
 * @property {'prechat'} [type]
 * @property {string} conv
 * @property {boolean} done
 */

/**
 * @typedef {object} ErrorPush
 * @property {'error'} [type]
 * @property {string} code
 * @property {string} message
 * @property {string} [cid]
 * @property {string} [ref]
 * @property {boolean} [retry]
 * @property {string} [field]
 * @property {string} [conv] the conversation the refused command named
 * @property {number} [retryAfterMs] with `rate_limited`: when sending again may succeed
 */

/**
 * An error of a send (from the server's `error`, or found locally before sending: then `local`).
 * @typedef {Error & {code?: string, field?: string, local?: boolean}} SendError
 */

export {};
