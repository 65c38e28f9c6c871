/**
 * {@link dev.parley.core.MessageStore} implementations over JDBC: {@link
 * dev.parley.store.jdbc.SqliteMessageStore}, the embedded default. Writes go through a {@link
 * dev.parley.store.jdbc.GroupCommitWriter}: one thread, one transaction per batch. Knows nothing of
 * sockets.
 */
package dev.parley.store.jdbc;
