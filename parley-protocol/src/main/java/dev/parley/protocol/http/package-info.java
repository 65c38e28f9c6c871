/**
 * The REST side of the wire: {@link dev.parley.protocol.http.HttpApi}, the port through which the
 * transport hands {@code /api/} requests to the layer that answers them (chat), and {@link
 * dev.parley.protocol.http.Json}, the JSON of REST bodies.
 */
package dev.parley.protocol.http;
