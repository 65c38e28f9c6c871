package dev.parley.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The guarantees of {@link SharedState}; two instances stand for two nodes. */
@Timeout(60)
public abstract class SharedStateContract {
  protected SharedState nodeA;
  protected SharedState nodeB;
  private final String ns = "t" + System.nanoTime() + ":";

  protected abstract SharedState open() throws Exception;

  @BeforeEach
  void setUp() throws Exception {
    nodeA = open();
    nodeB = open();
  }

  @AfterEach
  void tearDown() {
    nodeA.close();
    if (nodeB != nodeA) {
      nodeB.close();
    }
  }

  static <T> T get(CompletableFuture<T> f) throws Exception {
    return f.get(10, TimeUnit.SECONDS);
  }

  @Test
  void presenceAddedOnOneNodeIsListedOnAnotherUntilRemoved() throws Exception {
    String t = ns + "conv:p";
    assertThat(get(nodeA.presenceAdd(t, "s1", "alice", Duration.ofSeconds(30))))
        .isEqualTo(new SharedState.PresenceChange(true, 1));
    assertThat(get(nodeB.presenceAdd(t, "s2", "bob", Duration.ofSeconds(30))))
        .isEqualTo(new SharedState.PresenceChange(true, 2));
    assertThat(get(nodeB.presentUsers(t, null, 10))).containsExactly("alice", "bob");
    assertThat(get(nodeB.presenceCount(t))).isEqualTo(2);
    assertThat(get(nodeB.isPresent(t, "alice"))).isTrue();
    assertThat(get(nodeA.presenceRemove(t, "s1", "alice")))
        .isEqualTo(new SharedState.PresenceChange(true, 1));
    assertThat(get(nodeB.presentUsers(t, null, 10))).containsExactly("bob");
    assertThat(get(nodeB.isPresent(t, "alice"))).isFalse();
    assertThat(get(nodeA.presentUsers(ns + "conv:none", null, 10))).isEmpty();
    assertThat(get(nodeA.presenceCount(ns + "conv:none"))).isZero();
  }

  @Test
  void aUserIsPresentWhileAnyOfItsSessionsIsAndCountedOnce() throws Exception {
    String t = ns + "conv:u";
    get(nodeA.presenceAdd(t, "s1", "alice", Duration.ofSeconds(30)));
    assertThat(get(nodeB.presenceAdd(t, "s2", "alice", Duration.ofSeconds(30))))
        .as("a second session of a present user changes nothing")
        .isEqualTo(new SharedState.PresenceChange(false, 1));
    assertThat(get(nodeA.presenceAdd(t, "s1", "alice", Duration.ofSeconds(30))))
        .as("a renewal changes nothing")
        .isEqualTo(new SharedState.PresenceChange(false, 1));
    assertThat(get(nodeA.presenceRemove(t, "s1", "alice")))
        .isEqualTo(new SharedState.PresenceChange(false, 1));
    assertThat(get(nodeA.presenceRemove(t, "s1", "alice")))
        .as("removing a member twice")
        .isEqualTo(new SharedState.PresenceChange(false, 1));
    assertThat(get(nodeB.presenceRemove(t, "s2", "alice")))
        .isEqualTo(new SharedState.PresenceChange(true, 0));
    assertThat(get(nodeA.presenceCount(t))).isZero();
  }

  @Test
  void presentUsersArePagedInOrderAfterACursor() throws Exception {
    String t = ns + "conv:pages";
    for (String u : List.of("dan", "ann", "cid", "bea", "eve")) {
      get(nodeA.presenceAdd(t, "s-" + u, u, Duration.ofSeconds(30)));
    }
    assertThat(get(nodeB.presentUsers(t, null, 2))).containsExactly("ann", "bea");
    assertThat(get(nodeB.presentUsers(t, "bea", 2))).containsExactly("cid", "dan");
    assertThat(get(nodeB.presentUsers(t, "dan", 2))).containsExactly("eve");
    assertThat(get(nodeB.presentUsers(t, "eve", 2))).isEmpty();
    assertThat(get(nodeB.presenceCount(t))).isEqualTo(5);
  }

  @Test
  void presenceExpiresWhenNotRenewed() throws Exception {
    String t = ns + "conv:e";
    get(nodeA.presenceAdd(t, "s1", "alice", Duration.ofMillis(300)));
    get(nodeA.presenceAdd(t, "s2", "bob", Duration.ofSeconds(30)));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> get(nodeB.presentUsers(t, null, 10)).equals(List.of("bob")));
    assertThat(get(nodeB.presenceCount(t))).isEqualTo(1);
    assertThat(get(nodeA.isPresent(t, "alice"))).isFalse();
    assertThat(get(nodeA.presenceAdd(t, "s1", "alice", Duration.ofSeconds(30))))
        .as("an expired user who comes back came")
        .isEqualTo(new SharedState.PresenceChange(true, 2));
  }

  @Test
  void stateIsSharedReplacedExpiredAndCleared() throws Exception {
    String t = ns + "conv:s";
    get(
        nodeA.putState(
            t, "typing:u", "{\"on\":1}".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(30)));
    get(
        nodeA.putState(
            t, "answer", "{\"v\":1}".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(30)));
    get(
        nodeB.putState(
            t, "answer", "{\"v\":2}".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(30)));
    get(nodeA.putState(t, "short", "{}".getBytes(StandardCharsets.UTF_8), Duration.ofMillis(200)));
    await().atMost(Duration.ofSeconds(5)).until(() -> get(nodeB.states(t)).size() == 2);
    assertThat(get(nodeB.states(t)).stream().map(b -> new String(b, StandardCharsets.UTF_8)))
        .containsExactlyInAnyOrder("{\"on\":1}", "{\"v\":2}");
    get(nodeB.putState(t, "answer", new byte[0], Duration.ZERO));
    assertThat(get(nodeA.states(t))).hasSize(1);
    assertThat(get(nodeA.states(ns + "conv:nothing"))).isEmpty();
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static List<String> texts(List<byte[]> frames) {
    return frames.stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList();
  }

  @Test
  void framesAddedToAStateComeBackInOrderOnEveryNodeUntilReplacedOrCleared() throws Exception {
    String t = ns + "conv:a";
    get(nodeA.putState(t, "typing:u", utf8("{\"on\":1}"), Duration.ofSeconds(30)));
    get(nodeA.appendState(t, "answer", utf8("{\"p\":\"start\"}"), Duration.ofSeconds(30)));
    get(nodeA.appendState(t, "answer", utf8("{\"d\":\"Hel\"}"), Duration.ofSeconds(30)));
    get(nodeB.appendState(t, "answer", utf8("{\"d\":\"lo\"}"), Duration.ofSeconds(30)));
    List<String> seen = texts(get(nodeB.states(t)));
    assertThat(seen)
        .containsExactlyInAnyOrder(
            "{\"on\":1}", "{\"p\":\"start\"}", "{\"d\":\"Hel\"}", "{\"d\":\"lo\"}");
    assertThat(seen.stream().filter(f -> !f.contains("on")).toList())
        .as("one state's frames keep their order")
        .containsExactly("{\"p\":\"start\"}", "{\"d\":\"Hel\"}", "{\"d\":\"lo\"}");
    get(nodeA.putState(t, "answer", utf8("{\"whole\":1}"), Duration.ofSeconds(30)));
    assertThat(texts(get(nodeB.states(t))))
        .containsExactlyInAnyOrder("{\"on\":1}", "{\"whole\":1}");
    get(nodeA.appendState(t, "answer2", utf8("{\"x\":1}"), Duration.ofSeconds(30)));
    get(nodeB.putState(t, "answer2", new byte[0], Duration.ZERO));
    assertThat(texts(get(nodeA.states(t))))
        .containsExactlyInAnyOrder("{\"on\":1}", "{\"whole\":1}");
  }

  @Test
  void anAppendedStateExpiresAsAWhole() throws Exception {
    String t = ns + "conv:ax";
    get(nodeA.appendState(t, "answer", utf8("{\"a\":1}"), Duration.ofMillis(300)));
    get(nodeA.appendState(t, "answer", utf8("{\"b\":1}"), Duration.ofMillis(300)));
    await().atMost(Duration.ofSeconds(5)).until(() -> get(nodeB.states(t)).isEmpty());
  }

  @Test
  void aValueSetOnOneNodeIsReadOnAnotherUntilRemovedOrExpired() throws Exception {
    assertThat(get(nodeA.setValue(ns + "status:c1", "assigned maya", 1, Duration.ofSeconds(30))))
        .isTrue();
    assertThat(get(nodeB.value(ns + "status:c1"))).isEqualTo("assigned maya");
    assertThat(get(nodeB.setValue(ns + "status:c1", "resolved", 2, Duration.ofSeconds(30))))
        .isTrue();
    assertThat(get(nodeA.value(ns + "status:c1"))).isEqualTo("resolved");
    get(nodeA.removeValue(ns + "status:c1"));
    assertThat(get(nodeB.value(ns + "status:c1"))).isNull();
    assertThat(get(nodeB.value(ns + "status:never"))).isNull();
    get(nodeA.setValue(ns + "status:short", "x", 1, Duration.ofMillis(200)));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> get(nodeB.value(ns + "status:short")) == null);
  }

  @Test
  void anOlderVersionNeverReplacesANewerValue() throws Exception {
    assertThat(get(nodeA.setValue(ns + "v:c", "queued", 5, Duration.ofSeconds(30)))).isTrue();
    assertThat(get(nodeB.setValue(ns + "v:c", "bot", 4, Duration.ofSeconds(30))))
        .as("a late write")
        .isFalse();
    assertThat(get(nodeA.value(ns + "v:c"))).isEqualTo("queued");
    assertThat(get(nodeB.setValue(ns + "v:c", "queued again", 5, Duration.ofSeconds(30))))
        .as("same version")
        .isTrue();
    assertThat(get(nodeB.value(ns + "v:c"))).isEqualTo("queued again");
  }

  @Test
  void aClaimIsHeldByOneOwnerAtATimeAcrossNodes() throws Exception {
    assertThat(get(nodeA.claim(ns + "assign:c1", "node-a", Duration.ofSeconds(30)))).isTrue();
    assertThat(get(nodeB.claim(ns + "assign:c1", "node-b", Duration.ofSeconds(30)))).isFalse();
    assertThat(get(nodeA.claim(ns + "assign:c1", "node-a", Duration.ofSeconds(30))))
        .as("renewal")
        .isTrue();
    assertThat(get(nodeB.release(ns + "assign:c1", "node-b"))).as("not b's to release").isFalse();
    assertThat(get(nodeA.release(ns + "assign:c1", "node-a"))).isTrue();
    assertThat(get(nodeB.claim(ns + "assign:c1", "node-b", Duration.ofSeconds(30)))).isTrue();
  }

  @Test
  void anExpiredClaimCanBeTakenByAnother() throws Exception {
    assertThat(get(nodeA.claim(ns + "assign:x", "a", Duration.ofMillis(200)))).isTrue();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> get(nodeB.claim(ns + "assign:x", "b", Duration.ofSeconds(30))));
  }

  @Test
  void racingClaimsFromTwoNodesHaveExactlyOneWinner() throws Exception {
    for (int round = 0; round < 20; round++) {
      String key = ns + "race:" + round;
      List<CompletableFuture<Boolean>> tries = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        tries.add((i % 2 == 0 ? nodeA : nodeB).claim(key, "owner-" + i, Duration.ofSeconds(30)));
      }
      long winners = 0;
      for (CompletableFuture<Boolean> t : tries) {
        if (get(t)) {
          winners++;
        }
      }
      assertThat(winners).as("round %d", round).isEqualTo(1);
    }
  }
}
