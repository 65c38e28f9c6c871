/**
 * The chat product on top of the realtime core: {@link dev.parley.chat.Site}s, visitors'
 * conversations with a status ({@link dev.parley.chat.ConversationStatus}), the greeting, and bots
 * ({@link dev.parley.chat.Bot}) whose answers stream as turns ({@link dev.parley.chat.BotTurns}).
 * {@link dev.parley.chat.ChatService} plugs it all into the core as its {@link
 * dev.parley.core.Extension} and {@link dev.parley.core.Authorizer}. Knows no SQL and no sockets:
 * conversations live behind the {@link dev.parley.chat.ChatStore} port.
 */
package dev.parley.chat;
