/**
 * Test helpers that drive the real server over real sockets: {@link dev.parley.testkit.TestServer}
 * (a node on port 0 with a temporary SQLite file), {@link dev.parley.testkit.RawWebSocket} (RFC
 * 6455 by hand, for bad input and conformance) and {@link dev.parley.testkit.RecordingListener}.
 */
package dev.parley.testkit;
