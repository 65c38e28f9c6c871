// @ts-check
// The JS SDK's public types: a ParleyClient's options and events. Types only: nothing here runs.

/** @typedef {import('./protocol.js').Welcome} Welcome */
/** @typedef {import('./protocol.js').Message} Message */
/** @typedef {import('./protocol.js').Ack} Ack */
/** @typedef {import('./protocol.js').Receipt} Receipt */
/** @typedef {import('./protocol.js').Joined} Joined */
/** @typedef {import('./protocol.js').Answer} Answer */
/** @typedef {import('./protocol.js').Typing} Typing */
/** @typedef {import('./protocol.js').Conversation} Conversation */
/** @typedef {import('./protocol.js').ErrorPush} ErrorPush */
/** @typedef {import('./protocol.js').SendError} SendError */
/** @typedef {import('./outbox.js').OutboxPersistence} OutboxPersistence */
/** @typedef {import('./connectivity.js').EventSource} EventSource */
/** @typedef {import('./connectivity.js').VisibilitySource} VisibilitySource */

/** @typedef {'idle'|'connecting'|'connected'|'reconnecting'|'closed'} ConnectionState */
/** @typedef {'websocket'|'sse'|'longpoll'} TransportName */
/** @typedef {{cid: string, conv: string, text: string}} PendingSend */

/**
 * @typedef {object} ParleyOptions
 * @property {string} url base URL of the server, e.g. `https://chat.example.com` (the SDK uses
 *   `/ws` and `/rt/…` under it)
 * @property {string} [site] the site whose visitor this client is (the widget's site id)
 * @property {string} [lang] the visitor's language, a tag such as `de` or `de-AT` (sent in `hello`:
 *   the site greets in it when it has a greeting for it)
 * @property {string} [token] a token from an earlier `welcome`, or a JWT, to continue as that user
 * @property {() => (string|Promise<string>)} [tokenProvider] fresh tokens: asked a minute before
 *   the current one expires (sent in-band as `auth`) and after a 4401 close
 * @property {{user: string, password: string}} [login] agent login
 * @property {TransportName[]} [transports] in order of preference; default all three
 * @property {number} [initialBackoffMs] first reconnect delay cap (default 1000)
 * @property {number} [maxBackoffMs] largest reconnect delay cap (default 30000)
 * @property {number} [maxRetries] consecutive failed attempts before giving up (default Infinity)
 * @property {number} [ackTimeoutMs] resend an unacknowledged message after this long (default 10000)
 * @property {number} [upgradeIntervalMs] how often a fallback transport tries WebSocket again
 *   (default 60000)
 * @property {number} [openTimeoutMs] how long a transport may take to open (default 10000)
 * @property {number} [probeTimeoutMs] after `online` or the page becoming visible while connected,
 *   how long the connection has to answer a ping before it counts as dead (default 5000)
 * @property {number} [maxTextCodePoints] longest text `send` takes (default 4000, the server's)
 * @property {OutboxPersistence} [storage] keep unacknowledged sends in this storage (the widget
 *   passes `localStorage` and a per-site key) so that they are sent after a reload
 * @property {EventSource} [window] where `online` events come from (default: the global `window`)
 * @property {VisibilitySource} [document] where `visibilitychange` comes from (default: the global
 *   `document`)
 * @property {() => number} [random] uniform in [0, 1), for the backoff's jitter (default Math.random)
 * @property {typeof WebSocket} [WebSocket] a WebSocket constructor (default: the global one)
 * @property {typeof fetch} [fetch] a fetch function (default: the global one)
 */

/**
 * The options with their defaults filled in.
 * @typedef {ParleyOptions & {transports: TransportName[], initialBackoffMs: number,
 *   maxBackoffMs: number, maxRetries: number, ackTimeoutMs: number, upgradeIntervalMs: number,
 *   openTimeoutMs: number, probeTimeoutMs: number, maxTextCodePoints: number,
 *   random: () => number}} ResolvedOptions
 */

/**
 * The events of a ParleyClient and what each carries.
 * @typedef {object} ClientEvents
 * @property {{state: ConnectionState, transport: TransportName|null}} state
 * @property {Welcome} welcome
 * @property {Message} message
 * @property {Ack} ack
 * @property {Receipt} receipt
 * @property {Typing} typing
 * @property {{conv: string, user: string, online: boolean}} presence
 * @property {import('./protocol.js').PresenceBatch} presence_batch
 * @property {import('./protocol.js').PresenceList} presence_list
 * @property {Conversation} conversation
 * @property {import('./protocol.js').Mail} mail what the visitor may do by email (away mail)
 * @property {import('./protocol.js').Prechat} prechat whether the site's pre-chat form is still to fill
 * @property {Answer} answer
 * @property {Joined} joined
 * @property {{conv: string}} left
 * @property {{conv: string, messages: Message[], more: boolean}} history
 * @property {ErrorPush} error
 * @property {{expiresAt?: number, token?: string}} authed
 * @property {{code: number, reason: string}} close
 * @property {PendingSend[]} outbox the unacknowledged sends, oldest first, after every change
 * @property {PendingSend & {error: SendError}} failed a send failed for good (refused by the server,
 *   or the client closed): emitted before its promise rejects and before the `outbox` without it
 */

export {};
