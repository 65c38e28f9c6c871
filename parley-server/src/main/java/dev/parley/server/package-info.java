/**
 * The composition root: {@link dev.parley.server.ServerConfig}, {@link
 * dev.parley.server.ParleyServer} (wires store, broker, core and transport) and {@link
 * dev.parley.server.Main} (the {@code parley} command line). No business logic lives here.
 */
package dev.parley.server;
