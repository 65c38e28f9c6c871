package dev.parley.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.Agent;
import dev.parley.chat.InMemoryChatStore;
import dev.parley.core.AnonymousTokens;
import dev.parley.core.Authenticator.AuthenticationException;
import dev.parley.core.InMemorySharedState;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Agent tokens (issues 14.10, 14.11): short-lived, ended by a logout on every node and by a
 * password change, signed with a key no other kind of token shares.
 */
class AgentTokensTest {
  static final byte[] SECRET = new byte[32];
  final MutableClock clock = new MutableClock(1_800_000_000_000L);
  final Agent maya = new Agent("maya", "Maya", Set.of("demo"), 2, Passwords.hash("right"));
  final InMemoryChatStore store = new InMemoryChatStore();
  final InMemorySharedState shared = new InMemorySharedState(System::nanoTime);
  final AgentTokens tokens = tokens(Map.of("maya", maya)::get, shared);

  AgentTokens tokens(Function<String, Agent> agents, InMemorySharedState state) {
    return new AgentTokens(SECRET, agents, Duration.ofMinutes(15), clock, store, state);
  }

  @AfterEach
  void close() {
    shared.close();
  }

  static Throwable failure(CompletableFuture<?> f) {
    try {
      f.join();
      throw new AssertionError("expected a refusal");
    } catch (CompletionException e) {
      return e.getCause();
    }
  }

  @Test
  void aTokenCountsUntilItExpires() {
    String t = tokens.mint(maya);
    assertThat(t).startsWith("a2.");
    assertThat(tokens.verify(t).join().agent().user()).isEqualTo("maya");
    assertThat(tokens.verify(t).join().expiresAtMillis())
        .isEqualTo(clock.millis() + Duration.ofMinutes(15).toMillis());
    clock.advance(Duration.ofMinutes(15));
    assertThat(failure(tokens.verify(t)))
        .isInstanceOf(AuthenticationException.class)
        .hasMessageContaining("expired");
  }

  @Test
  void aLogoutEndsEveryEarlierTokenOnEveryNodeButNotLaterOnes() {
    String before = tokens.mint(maya);
    // A second node: its own cache of the shared state, the same store.
    InMemorySharedState otherNodesView = shared;
    AgentTokens otherNode = tokens(Map.of("maya", maya)::get, otherNodesView);
    assertThat(otherNode.verify(before).join()).isNotNull(); // cached "never revoked" there
    tokens.revoke("maya").join();
    assertThat(failure(tokens.verify(before))).hasMessageContaining("revoked");
    assertThat(failure(otherNode.verify(before))).hasMessageContaining("revoked");
    clock.advance(Duration.ofMillis(5));
    String after = tokens.mint(maya);
    assertThat(otherNode.verify(after).join().agent().user()).isEqualTo("maya");
  }

  @Test
  void aRevocationOutlivesTheSharedStatesCache() {
    String before = tokens.mint(maya);
    tokens.revoke("maya").join();
    // A restarted cluster: the shared state is empty, the store remembers.
    try (InMemorySharedState fresh = new InMemorySharedState(System::nanoTime)) {
      assertThat(failure(tokens(Map.of("maya", maya)::get, fresh).verify(before)))
          .hasMessageContaining("revoked");
    }
  }

  @Test
  void aPasswordChangeEndsEveryEarlierToken() {
    String t = tokens.mint(maya);
    Agent renewed = new Agent("maya", "Maya", Set.of("demo"), 2, Passwords.hash("new password"));
    assertThat(failure(tokens(Map.of("maya", renewed)::get, shared).verify(t)))
        .hasMessageContaining("password changed");
  }

  @Test
  void aForgedOrRelabelledTokenDoesNotVerify() {
    String t = tokens.mint(maya);
    String[] parts = t.split("\\.");
    // Longer life, same signature.
    String longer =
        String.join(
            ".", parts[0], parts[1], parts[2], String.valueOf(Long.MAX_VALUE), parts[4], parts[5]);
    assertThat(failure(tokens.verify(longer))).hasMessageContaining("signature");
    assertThat(
            failure(
                new AgentTokens(
                        new byte[] {
                          1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21,
                          22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32
                        },
                        Map.of("maya", maya)::get,
                        Duration.ofMinutes(15),
                        clock,
                        store,
                        shared)
                    .verify(t)))
        .hasMessageContaining("signature");
    // An agent token relabelled as a visitor token: a key of its own, so no.
    AnonymousTokens visitors = new AnonymousTokens(SECRET, Map.of());
    String relabelled = "v2." + t.substring(3);
    assertThatThrownBy(() -> visitors.principal(relabelled))
        .isInstanceOf(AuthenticationException.class);
  }
}
