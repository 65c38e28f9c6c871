package dev.parley.transport;

import dev.parley.core.AnonymousTokens;
import dev.parley.core.CoreMetrics;
import dev.parley.core.HandshakePolicy;
import dev.parley.core.InMemoryBroker;
import dev.parley.core.InMemoryMessageStore;
import dev.parley.core.Node;

/**
 * A real core for transport tests: a {@link Node} on the in-memory store and broker, with signed
 * anonymous tokens, as parley-core's own tests build it. Close it after the test.
 */
final class TestNodes implements AutoCloseable {
  /** The secret of {@link #tokens}: visitor tokens made with it are valid. */
  static final byte[] SECRET = new byte[32];

  final InMemoryMessageStore store = new InMemoryMessageStore();
  final InMemoryBroker broker = new InMemoryBroker();
  final AnonymousTokens tokens = new AnonymousTokens(SECRET);
  final Node node;

  TestNodes(CoreMetrics metrics, HandshakePolicy policy) {
    node =
        Node.builder()
            .store(store)
            .broker(broker)
            .authenticator(tokens)
            .metrics(metrics)
            .handshakePolicy(policy)
            .build();
  }

  /** A valid visitor token of a new visitor. */
  String visitorToken() {
    return tokens.principal(null).token();
  }

  @Override
  public void close() {
    node.close();
    store.close();
  }
}
