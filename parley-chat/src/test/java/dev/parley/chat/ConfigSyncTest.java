package dev.parley.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.ConfigStore.Audit;
import dev.parley.chat.ConfigStore.Kind;
import dev.parley.core.InMemoryBroker;
import dev.parley.core.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A node's directory follows the stored configuration: at start, at once on a change event, and by
 * the version check when an event was lost; an unreadable entry is left out, not fatal (an
 * unreadable namespace stays, closed to every client).
 */
@Timeout(30)
class ConfigSyncTest {
  static final Duration POLL = Duration.ofSeconds(5);
  final ManualClock clock = new ManualClock();
  final InMemoryConfigStore store = new InMemoryConfigStore();
  final InMemoryBroker broker = new InMemoryBroker();

  /** Bodies are a site's greeting ("off": disabled, "bad": unreadable) or an agent's name. */
  static final ConfigSync.Decoder DECODER =
      new ConfigSync.Decoder() {
        @Override
        public Site site(ConfigStore.Entry e) {
          if (e.body().equals("bad")) {
            throw new IllegalArgumentException("cannot read " + e.id());
          }
          return e.body().equals("off")
              ? null
              : new Site(e.id(), e.id(), List.of(), e.body(), "Bot", 0.5, BusinessHours.always());
        }

        @Override
        public Agent agent(ConfigStore.Entry e) {
          return new Agent(e.id(), e.body(), Set.of("acme"), 2, "-");
        }

        /** Body: who may publish ("gone": deleted; "bad": unreadable). */
        @Override
        public Namespace namespace(ConfigStore.Entry e) {
          if (e.body().equals("bad")) {
            throw new IllegalArgumentException("cannot open the proxy secret of " + e.id());
          }
          return e.body().equals("gone")
              ? null
              : new Namespace(
                  e.id(),
                  Namespace.Audience.ANONYMOUS,
                  Namespace.Audience.ofWire(e.body()),
                  true,
                  false);
        }
      };

  final Directory a = new Directory(Map.of(), Map.of());
  final Directory b = new Directory(Map.of(), Map.of());
  final ConfigSync nodeA = new ConfigSync(store, DECODER, a, broker, clock, POLL);
  final ConfigSync nodeB = new ConfigSync(store, DECODER, b, broker, clock, POLL);

  @AfterEach
  void close() {
    nodeA.close();
    nodeB.close();
    broker.close();
  }

  long put(Kind kind, String id, String body) throws Exception {
    long expected = store.find(kind, id).join().map(ConfigStore.Entry::version).orElse(0L);
    return store
        .put(kind, id, body, expected, new Audit(clock.millis(), "root", "update", kind, id, "-"))
        .join()
        .orElseThrow()
        .version();
  }

  @Test
  void aNodeStartsWithWhatIsStoredAndAChangeEventReachesEveryNode() throws Exception {
    put(Kind.SITE, "acme", "Hi from Acme");
    put(Kind.AGENT, "ana", "Ana");
    nodeA.start().join();
    nodeB.start().join();
    assertThat(a.site("acme").greeting()).isEqualTo("Hi from Acme");
    assertThat(b.agent("ana").name()).isEqualTo("Ana");
    assertThat(b.version()).isEqualTo(2);

    long v = put(Kind.SITE, "acme", "Welcome back");
    nodeA.changed(v).join();
    nodeB.reload().join(); // the event's reload is under way: wait for the newest in force
    assertThat(a.site("acme").greeting()).isEqualTo("Welcome back");
    assertThat(b.site("acme").greeting()).isEqualTo("Welcome back");
    assertThat(b.version()).isEqualTo(v);
  }

  @Test
  void aChangeIsInForceOnTheChangingNodeWhenChangedCompletes() throws Exception {
    // Never started, so no change event reaches it: only changed() itself can bring the change in.
    long version = put(Kind.SITE, "acme", "Hi from Acme");
    nodeA.changed(version).get(5, TimeUnit.SECONDS);
    assertThat(a.version()).isEqualTo(version);
    assertThat(a.site("acme").greeting()).isEqualTo("Hi from Acme");
  }

  @Test
  void aNodeThatMissedTheEventCatchesUpAtTheNextVersionCheck() throws Exception {
    nodeB.start().join();
    put(Kind.SITE, "acme", "Hi"); // no event: as if the broker lost it
    clock.advance(POLL.minusMillis(1));
    assertThat(b.site("acme")).isNull();
    clock.advance(Duration.ofMillis(1));
    nodeB.reload().join();
    assertThat(b.site("acme").greeting()).isEqualTo("Hi");
  }

  @Test
  void disabledSitesAreGoneAndAnUnreadableEntryIsLeftOutAlone() throws Exception {
    put(Kind.SITE, "acme", "Hi");
    put(Kind.SITE, "gone", "off");
    put(Kind.SITE, "broken", "bad");
    nodeA.start().join();
    assertThat(a.siteIds()).containsExactly("acme");
  }

  @Test
  void namespacesReachEveryNodeAndADeletedOneIsGone() throws Exception {
    put(Kind.NAMESPACE, "news", "agents");
    put(Kind.NAMESPACE, "old", "gone");
    nodeA.start().join();
    nodeB.start().join();
    assertThat(a.namespaces()).containsOnlyKeys("news");
    assertThat(b.namespace("news").publish()).isEqualTo(Namespace.Audience.AGENTS);

    long v = put(Kind.NAMESPACE, "news", "gone");
    nodeA.changed(v).join();
    nodeB.reload().join();
    assertThat(a.namespace("news")).isNull();
    assertThat(b.namespace("news")).isNull();
  }

  @Test
  void anUnreadableNamespaceStaysClosedToEveryClientInsteadOfBecomingAnOpenChannel()
      throws Exception {
    put(Kind.NAMESPACE, "news", "agents");
    put(Kind.NAMESPACE, "vault", "bad");
    nodeA.start().join();
    assertThat(a.namespace("news").publish()).isEqualTo(Namespace.Audience.AGENTS);
    Namespace closed = a.namespace("vault");
    assertThat(closed).as("kept, not left out").isNotNull();
    assertThat(closed.subscribe()).isEqualTo(Namespace.Audience.SERVER);
    assertThat(closed.publish()).isEqualTo(Namespace.Audience.SERVER);
  }
}
