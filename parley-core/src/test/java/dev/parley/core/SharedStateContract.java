package dev.parley.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    get(nodeA.presenceAdd(ns + "conv:p", "s1", "alice", Duration.ofSeconds(30)));
    get(nodeB.presenceAdd(ns + "conv:p", "s2", "bob", Duration.ofSeconds(30)));
    assertThat(get(nodeB.presence(ns + "conv:p")))
        .containsExactlyInAnyOrderEntriesOf(Map.of("s1", "alice", "s2", "bob"));
    get(nodeA.presenceRemove(ns + "conv:p", "s1"));
    assertThat(get(nodeB.presence(ns + "conv:p"))).containsOnlyKeys("s2");
    assertThat(get(nodeA.presence(ns + "conv:none"))).isEmpty();
  }

  @Test
  void presenceExpiresWhenNotRenewed() throws Exception {
    get(nodeA.presenceAdd(ns + "conv:e", "s1", "alice", Duration.ofMillis(300)));
    get(nodeA.presenceAdd(ns + "conv:e", "s2", "bob", Duration.ofSeconds(30)));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> get(nodeB.presence(ns + "conv:e")).keySet().equals(Set.of("s2")));
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
