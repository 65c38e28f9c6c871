/**
 * Protocol v1: the records that travel as JSON text frames, the codec that turns them into bytes
 * and back, and the error and close codes. Described for humans in {@code docs/PROTOCOL.md}; the
 * two must change together.
 *
 * <p>This is the only module that knows JSON. Everything here is immutable and thread-safe.
 */
package dev.parley.protocol;
