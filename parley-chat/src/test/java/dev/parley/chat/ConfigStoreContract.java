package dev.parley.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.ConfigStore.Audit;
import dev.parley.chat.ConfigStore.Entry;
import dev.parley.chat.ConfigStore.Kind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The guarantees of {@link ConfigStore}, run against every implementation. */
@Timeout(60)
public abstract class ConfigStoreContract {
  protected ConfigStore store;

  protected abstract ConfigStore openStore() throws Exception;

  @BeforeEach
  void open() throws Exception {
    store = openStore();
  }

  @AfterEach
  void close() {
    store.close();
  }

  static <T> T get(CompletableFuture<T> f) throws Exception {
    return f.get(10, TimeUnit.SECONDS);
  }

  static Audit audit(long at, String action, Kind kind, String id) {
    return new Audit(at, "root", action, kind, id, action + " " + id);
  }

  @Test
  void anEntryIsCreatedOnceAndEachChangeRaisesTheDeploymentVersionByOne() throws Exception {
    assertThat(get(store.version())).isZero();
    Entry acme =
        get(store.put(Kind.SITE, "acme", "{\"v\":1}", 0, audit(10, "create", Kind.SITE, "acme")))
            .orElseThrow();
    assertThat(acme.version()).isEqualTo(1);
    assertThat(
            get(
                store.put(
                    Kind.SITE,
                    "acme",
                    "{\"v\":\"again\"}",
                    0,
                    audit(11, "create", Kind.SITE, "acme"))))
        .as("it exists already")
        .isEmpty();
    Entry maya =
        get(store.put(Kind.AGENT, "maya", "{}", 0, audit(12, "create", Kind.AGENT, "maya")))
            .orElseThrow();
    assertThat(maya.version()).isEqualTo(2);
    assertThat(get(store.version())).isEqualTo(2);
    Entry changed =
        get(store.put(Kind.SITE, "acme", "{\"v\":2}", 1, audit(13, "update", Kind.SITE, "acme")))
            .orElseThrow();
    assertThat(changed.version()).isEqualTo(3);
    assertThat(changed.updatedAtMillis()).isEqualTo(13);
    assertThat(get(store.find(Kind.SITE, "acme")).orElseThrow().body()).isEqualTo("{\"v\":2}");
    assertThat(get(store.find(Kind.AGENT, "acme"))).as("kinds are apart").isEmpty();
  }

  @Test
  void aChangeToAnOldVersionIsRefusedAndLeavesNoTrace() throws Exception {
    get(store.put(Kind.SITE, "acme", "first", 0, audit(10, "create", Kind.SITE, "acme")));
    get(store.put(Kind.SITE, "acme", "second", 1, audit(11, "update", Kind.SITE, "acme")));
    Optional<Entry> stale =
        get(store.put(Kind.SITE, "acme", "lost update", 1, audit(12, "update", Kind.SITE, "acme")));
    assertThat(stale).isEmpty();
    assertThat(get(store.find(Kind.SITE, "acme")).orElseThrow().body()).isEqualTo("second");
    assertThat(get(store.version())).isEqualTo(2);
    assertThat(get(store.audit(10, Long.MAX_VALUE)))
        .extracting(Audit::atMillis)
        .containsExactly(11L, 10L);
  }

  @Test
  void concurrentChangesOfOneVersionLetExactlyOneWin() throws Exception {
    get(store.put(Kind.SITE, "acme", "v1", 0, audit(1, "create", Kind.SITE, "acme")));
    List<CompletableFuture<Optional<Entry>>> racing = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      racing.add(
          store.put(Kind.SITE, "acme", "by " + i, 1, audit(2 + i, "update", Kind.SITE, "acme")));
    }
    int won = 0;
    for (CompletableFuture<Optional<Entry>> f : racing) {
      won += get(f).isPresent() ? 1 : 0;
    }
    assertThat(won).isEqualTo(1);
    assertThat(get(store.version())).isEqualTo(2);
  }

  @Test
  void loadReturnsEveryEntryWithTheVersionTheyMakeUp() throws Exception {
    get(store.put(Kind.SITE, "a", "A", 0, audit(1, "create", Kind.SITE, "a")));
    get(store.put(Kind.SITE, "b", "B", 0, audit(2, "create", Kind.SITE, "b")));
    get(store.put(Kind.AGENT, "sam", "S", 0, audit(3, "create", Kind.AGENT, "sam")));
    ConfigStore.Snapshot s = get(store.load());
    assertThat(s.version()).isEqualTo(3);
    assertThat(s.entries()).extracting(Entry::id).containsExactlyInAnyOrder("a", "b", "sam");
  }

  @Test
  void theAuditLogPagesNewestFirst() throws Exception {
    for (int i = 1; i <= 5; i++) {
      get(store.put(Kind.SITE, "s" + i, "x", 0, audit(i * 10L, "create", Kind.SITE, "s" + i)));
    }
    List<Audit> first = get(store.audit(2, Long.MAX_VALUE));
    assertThat(first).extracting(Audit::id).containsExactly("s5", "s4");
    assertThat(first.get(0).actor()).isEqualTo("root");
    assertThat(first.get(0).kind()).isEqualTo(Kind.SITE);
    assertThat(get(store.audit(10, 40))).extracting(Audit::id).containsExactly("s3", "s2", "s1");
  }

  @Test
  void anAuditRecordAloneChangesNoEntryNorTheVersion() throws Exception {
    get(store.put(Kind.SITE, "acme", "x", 0, audit(10, "create", Kind.SITE, "acme")));
    get(store.record(new Audit(20, "root", "erase-visitor", Kind.SITE, "acme", "visitor v1")));
    assertThat(get(store.version())).isEqualTo(1);
    assertThat(get(store.find(Kind.SITE, "acme")).orElseThrow().version()).isEqualTo(1);
    List<Audit> log = get(store.audit(10, Long.MAX_VALUE));
    assertThat(log).extracting(Audit::action).containsExactly("erase-visitor", "create");
    assertThat(log.get(0).detail()).isEqualTo("visitor v1");
  }

  @Test
  void everyKindIsKeptApartAndComesBackAsItWasWritten() throws Exception {
    for (Kind k : Kind.values()) {
      assertThat(get(store.put(k, "same-id", k.wire(), 0, audit(1, "create", k, "same-id"))))
          .isPresent();
    }
    assertThat(get(store.load()).entries())
        .extracting(Entry::kind, Entry::body)
        .containsExactlyInAnyOrder(
            Arrays.stream(Kind.values()).map(k -> Tuple.tuple(k, k.wire())).toArray(Tuple[]::new));
    assertThat(get(store.find(Kind.NAMESPACE, "same-id")).orElseThrow().body())
        .isEqualTo("namespace");
    assertThat(get(store.audit(10, Long.MAX_VALUE)))
        .extracting(Audit::kind)
        .contains(Kind.NAMESPACE);
  }
}
