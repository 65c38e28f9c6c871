/**
 * The Netty transport: bootstrap ({@link dev.parley.transport.TransportServer}), the pipeline
 * ({@link dev.parley.transport.ParleyChannelInitializer}), HTTP routes, the WebSocket frame handler
 * that feeds the core's sessions, and heartbeats. The only module that imports {@code io.netty}.
 *
 * <p>Every handler runs on its channel's event loop and never blocks.
 */
package dev.parley.transport;
