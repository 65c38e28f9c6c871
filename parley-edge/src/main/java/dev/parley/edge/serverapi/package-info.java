/**
 * The server API ({@code docs/PROTOCOL.md#server-api}): the application's backend publishes into
 * channels, reads their presence and history and disconnects users over HTTP with scoped API keys.
 * {@link dev.parley.edge.serverapi.ServerApi} (the routes), {@link
 * dev.parley.edge.serverapi.ApiKeyDoc} (a stored key: its hash and scope), {@link
 * dev.parley.edge.serverapi.ApiKeys} (the keys in force on this node), {@link
 * dev.parley.edge.serverapi.Publisher} (publishing through the core's send path, idempotency keys
 * as {@code cid}s) and {@link dev.parley.edge.serverapi.UserDisconnects} (closing a user's
 * connections on every node).
 */
package dev.parley.edge.serverapi;
