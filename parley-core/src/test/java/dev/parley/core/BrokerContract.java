package dev.parley.core;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.protocol.Codec;
import dev.parley.protocol.MessageMeta;
import dev.parley.protocol.Push;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The guarantees of {@link Broker}, run against every implementation. Two brokers stand for two
 * nodes; for the in-memory broker they are the same instance.
 */
@Timeout(60)
public abstract class BrokerContract {
  protected Broker nodeA;
  protected Broker nodeB;

  /** A broker for a node; called twice per test. */
  protected abstract Broker openBroker() throws Exception;

  @BeforeEach
  void open() throws Exception {
    nodeA = openBroker();
    nodeB = openBroker();
  }

  @AfterEach
  void close() {
    nodeA.close();
    if (nodeB != nodeA) {
      nodeB.close();
    }
  }

  protected static BrokerEvent message(long seq) {
    return BrokerEvent.message(
        seq, "u1", ("{\"seq\":" + seq + "}").getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void anEventPublishedAfterSubscribeReachesEveryNodesListener() throws Exception {
    List<BrokerEvent> a = new CopyOnWriteArrayList<>();
    List<BrokerEvent> b = new CopyOnWriteArrayList<>();
    nodeA.subscribe("conv:t1", a::add).get(10, TimeUnit.SECONDS);
    nodeB.subscribe("conv:t1", b::add).get(10, TimeUnit.SECONDS);
    nodeA.publish("conv:t1", message(1));
    await().atMost(Duration.ofSeconds(10)).until(() -> a.size() == 1 && b.size() == 1);
    assertThat(b.get(0).seq()).isEqualTo(1);
    assertThat(new String(b.get(0).frame(), StandardCharsets.UTF_8)).isEqualTo("{\"seq\":1}");
    assertThat(b.get(0).user()).isEqualTo("u1");
    assertThat(b.get(0).kind()).isEqualTo(BrokerEvent.Kind.MESSAGE);
  }

  @Test
  void aMessageWithMetaArrivesOnEveryNodeAsEncoded() throws Exception {
    List<MessageMeta.Source> sources = new ArrayList<>();
    for (int i = 0; i < MessageMeta.MAX_SOURCES; i++) {
      sources.add(
          new MessageMeta.Source("Guide ✓ " + i, "https://x.example/" + "p".repeat(1200), "é"));
    }
    StoredMessage m =
        new StoredMessage(
            "t2", 1, "m_1", "bot", null, "bot", "answer", 5L, null, new MessageMeta(sources));
    byte[] frame = new Codec().encode(Node.toPush(m));
    List<BrokerEvent> b = new CopyOnWriteArrayList<>();
    nodeB.subscribe("conv:t2", b::add).get(10, TimeUnit.SECONDS);
    nodeA.publish("conv:t2", BrokerEvent.message(1, "bot", frame));
    await().atMost(Duration.ofSeconds(10)).until(() -> b.size() == 1);
    assertThat(b.get(0).frame()).isEqualTo(frame);
    Push.Message got = (Push.Message) new Codec().decodePush(new String(b.get(0).frame(), UTF_8));
    assertThat(got.meta()).isEqualTo(m.meta());
  }

  @Test
  void eventsFromOnePublisherArriveInOrder() throws Exception {
    List<Long> got = new CopyOnWriteArrayList<>();
    nodeB.subscribe("conv:order", e -> got.add(e.seq())).get(10, TimeUnit.SECONDS);
    for (long i = 1; i <= 500; i++) {
      nodeA.publish("conv:order", message(i));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 500);
    assertThat(got).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void ephemeralEventsKeepTheirStateKeyAndTtl() throws Exception {
    List<BrokerEvent> got = new CopyOnWriteArrayList<>();
    nodeB.subscribe("conv:eph", got::add).get(10, TimeUnit.SECONDS);
    nodeA.publish(
        "conv:eph",
        BrokerEvent.ephemeral("u2", "typing:u2", 6000, "{}".getBytes(StandardCharsets.UTF_8)));
    nodeA.publish("conv:eph", BrokerEvent.aboutOthers("u2", "{}".getBytes(StandardCharsets.UTF_8)));
    nodeA.publish("conv:eph", BrokerEvent.forUser("u3", "{}".getBytes(StandardCharsets.UTF_8)));
    nodeA.publish(
        "conv:eph",
        BrokerEvent.ephemeralAppending(
            "u4", "answer:x", 1000, "{}".getBytes(StandardCharsets.UTF_8)));
    await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 4);
    assertThat(got.get(0).audience()).isEqualTo(BrokerEvent.Audience.EVERYONE);
    assertThat(got.get(1).audience()).isEqualTo(BrokerEvent.Audience.OTHERS);
    assertThat(got.get(2).audience()).isEqualTo(BrokerEvent.Audience.ONLY_USER);
    assertThat(got.get(2).user()).isEqualTo("u3");
    assertThat(got.get(3).appendState()).isTrue();
    assertThat(got.get(0).kind()).isEqualTo(BrokerEvent.Kind.EPHEMERAL);
    assertThat(got.get(0).stateKey()).isEqualTo("typing:u2");
    assertThat(got.get(0).ttlMillis()).isEqualTo(6000);
    assertThat(got.get(1).stateKey()).isNull();
  }

  @Test
  void unsubscribeStopsDeliveryAndOtherTopicsAreNotSeen() throws Exception {
    List<Long> stopped = new CopyOnWriteArrayList<>();
    List<Long> fence = new CopyOnWriteArrayList<>();
    Broker.Subscription s =
        nodeB.subscribe("conv:u", e -> stopped.add(e.seq())).get(10, TimeUnit.SECONDS);
    nodeB.subscribe("conv:fence", e -> fence.add(e.seq())).get(10, TimeUnit.SECONDS);
    nodeA.publish("conv:u", message(1));
    await().atMost(Duration.ofSeconds(10)).until(() -> stopped.size() == 1);
    s.unsubscribe();
    s.unsubscribe();
    nodeA.publish("conv:u", message(2));
    nodeA.publish("conv:other", message(3));
    nodeA.publish("conv:fence", message(4));
    // The fence was published last by the same publisher: once it arrives, the others would have.
    await().atMost(Duration.ofSeconds(10)).until(() -> fence.size() == 1);
    assertThat(stopped).containsExactly(1L);
  }

  @Test
  void aTopicCanBeSubscribedAgainAfterItsLastUnsubscribe() throws Exception {
    List<Long> got = new CopyOnWriteArrayList<>();
    nodeB.subscribe("conv:again", e -> {}).get(10, TimeUnit.SECONDS).unsubscribe();
    nodeB.subscribe("conv:again", e -> got.add(e.seq())).get(10, TimeUnit.SECONDS);
    nodeA.publish("conv:again", message(7));
    await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 1);
  }

  @Test
  void isHealthyWhenConnected() {
    assertThat(nodeA.isHealthy()).isTrue();
  }
}
