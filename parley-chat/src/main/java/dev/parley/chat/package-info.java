/**
 * The chat product on top of the realtime core, made of parts that each own one job:
 *
 * <ul>
 *   <li>{@link dev.parley.chat.ChatAccess} — who may connect, join and be placed on a site;
 *   <li>{@link dev.parley.chat.VisitorFlow} — hello → conversation → bot, handoff;
 *   <li>{@link dev.parley.chat.AgentRouting} — agents' availability, the queue, assignment;
 *   <li>{@link dev.parley.chat.AgentDesk} — what agents do (accept, transfer, resolve, write);
 *   <li>{@link dev.parley.chat.ConversationLifecycle} — the status machine and its announcements;
 *   <li>{@link dev.parley.chat.BotTurns} — streamed bot answers behind the {@link
 *       dev.parley.chat.Bot} port;
 *   <li>{@link dev.parley.chat.Conversations} — the conversations' rows and their status cache.
 * </ul>
 *
 * {@link dev.parley.chat.ChatLayer} assembles them and gives the core its extension, authorizer and
 * handshake policy. Knows no SQL, no sockets and no HTTP: conversations live behind the {@link
 * dev.parley.chat.ChatStore} port, bots in {@code parley-bots}, authentication and REST in {@code
 * parley-edge}.
 */
package dev.parley.chat;
