package dev.parley.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.protocol.Codec;
import dev.parley.protocol.Command;
import dev.parley.protocol.Fields;
import dev.parley.protocol.Push;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A second extension of the core, with no chat in it: live counters that anyone may watch and bump.
 * It registers its own command and event with the codec, its own access rule and its own state —
 * what a live dashboard or a like button needs — and shows the core carries more than chat.
 */
@Timeout(30)
class LiveCounterTest {
  /** {@code {"type":"bump","counter":"likes"}}: adds one to a counter. */
  record Bump(String ref, String counter) implements Command {
    @Override
    public void validate() {
      Fields.optionalRef(ref);
      Fields.conversation("counter", counter);
    }
  }

  /** {@code {"type":"count","counter":"likes","value":3}}: a counter's value now. */
  record Count(String counter, long value) implements Push {}

  /**
   * The extension: counters in memory, published to {@code counter:<name>} with the value as state.
   */
  static final class Counters implements Extension, Authorizer {
    private final ConcurrentHashMap<String, AtomicLong> values = new ConcurrentHashMap<>();
    Node node;

    @Override
    public boolean command(Session session, Command command) {
      if (!(command instanceof Bump b)) {
        return false;
      }
      long value = values.computeIfAbsent(b.counter(), k -> new AtomicLong()).incrementAndGet();
      node.publish(
          "counter:" + b.counter(),
          BrokerEvent.ephemeral(
              session.principal().user(),
              "value",
              3_600_000,
              node.encode(new Count(b.counter(), value))));
      return true;
    }

    @Override
    public CompletableFuture<Boolean> mayJoin(Principal principal, String conversation) {
      return CompletableFuture.completedFuture(conversation.startsWith("counter:"));
    }
  }

  final Codec codec =
      Codec.builder().command("bump", Bump.class).event("count", Count.class).build();
  final Counters counters = new Counters();
  Node node;
  RecordingConnection alice;
  RecordingConnection bob;
  Session a;
  Session b;

  @BeforeEach
  void setUp() throws Exception {
    node =
        Node.builder()
            .codec(codec)
            .store(new InMemoryMessageStore())
            .broker(new InMemoryBroker())
            .authenticator(new AnonymousTokens(new byte[32]))
            .extension(counters)
            .authorizer(counters)
            .build();
    counters.node = node;
    alice = new RecordingConnection(codec, Map.of(), null);
    bob = new RecordingConnection(codec, Map.of(), null);
    a = open(alice);
    b = open(bob);
  }

  Session open(RecordingConnection c) throws Exception {
    Session s = node.open(c);
    c.command(s, "{\"type\":\"hello\"}");
    c.next(Push.Welcome.class);
    return s;
  }

  @AfterEach
  void tearDown() {
    alice.close();
    bob.close();
    node.close();
  }

  @Test
  void everyWatcherSeesEachBumpAndALateWatcherStartsFromTheValueNow() throws Exception {
    alice.command(a, "{\"type\":\"join\",\"conv\":\"counter:likes\"}");
    alice.next(Push.Joined.class);
    bob.command(b, "{\"type\":\"join\",\"conv\":\"counter:likes\"}");
    bob.next(Push.Joined.class);

    // Presence events (who came) interleave with the counts; the counts come in order.
    bob.command(b, "{\"type\":\"bump\",\"counter\":\"likes\"}");
    bob.command(b, "{\"type\":\"bump\",\"counter\":\"likes\"}");
    assertThat(alice.nextOf(Count.class)).isEqualTo(new Count("likes", 1));
    assertThat(alice.nextOf(Count.class)).isEqualTo(new Count("likes", 2));
    assertThat(bob.nextOf(Count.class).value()).isEqualTo(1);
    assertThat(bob.nextOf(Count.class).value()).isEqualTo(2);

    try (RecordingConnection late = new RecordingConnection(codec, Map.of(), null)) {
      Session l = open(late);
      late.command(l, "{\"type\":\"join\",\"conv\":\"counter:likes\"}");
      late.next(Push.Joined.class);
      assertThat(late.nextOf(Count.class))
          .as("the state as a snapshot")
          .isEqualTo(new Count("likes", 2));
    }
  }

  @Test
  void theExtensionsRulesDecideAndTheCoreKnowsNoOtherCommands() throws Exception {
    alice.command(a, "{\"type\":\"join\",\"conv\":\"chat_1\"}");
    assertThat(alice.next(Push.Error.class).code()).isEqualTo("forbidden");
    alice.command(a, "{\"type\":\"handoff\",\"conv\":\"chat_1\"}");
    assertThat(alice.next(Push.Error.class).code()).isEqualTo("unknown_type");
    alice.command(a, "{\"type\":\"bump\",\"counter\":\"has space\"}");
    Push.Error e = alice.next(Push.Error.class);
    assertThat(e.code()).isEqualTo("invalid_field");
    assertThat(e.field()).isEqualTo("counter");
  }
}
