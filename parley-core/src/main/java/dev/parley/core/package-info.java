/**
 * The realtime core: sessions, conversations as channels, and the delivery contract ({@code
 * docs/ARCHITECTURE.md#the-delivery-contract}).
 *
 * <p>It talks to the transport through {@link dev.parley.core.Connection}, to storage through
 * {@link dev.parley.core.MessageStore} and to other nodes through {@link dev.parley.core.Broker}.
 * It knows nothing of Netty, SQL or chat. Threading is described in {@code docs/CONCURRENCY.md}:
 * each {@link dev.parley.core.Session} is confined to its connection's executor (an event loop),
 * blocking store work runs on the store's own threads, and results hop back.
 */
package dev.parley.core;
