package dev.parley.edge.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.ConfigStore;
import dev.parley.chat.Namespace.Audience;
import dev.parley.edge.admin.Configuration.Outcome;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Changing namespaces: each change is audited and in force on the node at once, versions guard
 * against lost updates, a deletion is a tombstone that reads as absent, and importing twice changes
 * nothing.
 */
@Timeout(30)
class NamespaceConfigTest extends ConfigurationFixture {
  final NamespaceConfig namespaces = config.namespaces();

  static final NamespaceDoc NEWS =
      new NamespaceDoc("news", "anonymous", "agents", null, null).checked();

  static <T> Configuration.Stored<T> done(Outcome<T> o) {
    assertThat(o).isInstanceOf(Outcome.Done.class);
    return ((Outcome.Done<T>) o).stored();
  }

  @Test
  void aNamespaceIsInForceOnceWrittenAndGoneOnceDeleted() {
    long v = done(namespaces.put("root", NEWS, null).join()).version();
    assertThat(directory.namespace("news").publish()).isEqualTo(Audience.AGENTS);
    assertThat(namespaces.get("news").join().orElseThrow().version()).isEqualTo(v);
    assertThat(namespaces.list().join()).hasSize(1);

    NamespaceDoc open = new NamespaceDoc("news", "anonymous", "anonymous", null, null).checked();
    done(namespaces.put("root", open, v).join());
    assertThat(directory.namespace("news").publish()).isEqualTo(Audience.ANONYMOUS);

    assertThat(namespaces.delete("root", "news", null).join()).isInstanceOf(Outcome.Done.class);
    assertThat(directory.namespace("news")).isNull();
    assertThat(namespaces.get("news").join()).isEmpty();
    assertThat(namespaces.list().join()).isEmpty();
    assertThat(namespaces.delete("root", "news", null).join()).isInstanceOf(Outcome.Missing.class);

    done(namespaces.put("root", NEWS, null).join()); // created anew over its tombstone
    assertThat(directory.namespace("news")).isNotNull();

    List<ConfigStore.Audit> audit = store.audit(10, Long.MAX_VALUE).join();
    assertThat(audit)
        .extracting(ConfigStore.Audit::action)
        .containsExactly("create", "delete", "update", "create");
    assertThat(audit).allMatch(a -> a.kind() == ConfigStore.Kind.NAMESPACE);
    assertThat(audit.get(2).detail()).isEqualTo("changed publish");
  }

  @Test
  void aChangeOverAnotherVersionIsAConflictAndChangesNothing() {
    long v = done(namespaces.put("root", NEWS, null).join()).version();
    NamespaceDoc closed = new NamespaceDoc("news", "admins", "server", null, null).checked();

    Outcome<NamespaceDoc> stale = namespaces.put("root", closed, v + 5).join();
    assertThat(stale).isEqualTo(new Outcome.Conflict<NamespaceDoc>(v));
    assertThat(namespaces.delete("root", "news", v + 5).join())
        .isEqualTo(new Outcome.Conflict<NamespaceDoc>(v));
    assertThat(namespaces.put("root", NEWS.withName("other"), 1L).join())
        .as("If-Match on a namespace that does not exist")
        .isEqualTo(new Outcome.Conflict<NamespaceDoc>(0));
    assertThat(directory.namespace("news").subscribe()).isEqualTo(Audience.ANONYMOUS);
  }

  @Test
  void importingTheSameNamespacesTwiceChangesNothing() {
    NamespaceDoc ticks = new NamespaceDoc("ticks", null, null, false, true).checked();
    assertThat(namespaces.importAll(List.of(NEWS, ticks)).join()).isEqualTo(2);
    long version = directory.version();
    assertThat(namespaces.importAll(List.of(NEWS, ticks)).join()).isZero();
    assertThat(directory.version()).isEqualTo(version);
    assertThat(directory.namespace("ticks").presence()).isFalse();
  }

  @Test
  void durabilityCannotChangeOnALiveNamespaceFromTheApiOrASitesFile() {
    done(namespaces.put("root", NEWS, null).join());
    NamespaceDoc ephemeral =
        new NamespaceDoc("news", "anonymous", "agents", null, null, "ephemeral", null, null, null)
            .checked();

    assertThatThrownBy(() -> namespaces.put("root", ephemeral, null).join())
        .hasCauseInstanceOf(InvalidSetting.class)
        .hasMessageContaining("durability")
        .hasMessageContaining("delete it first");
    assertThatThrownBy(() -> namespaces.importAll(List.of(ephemeral)).join())
        .as("a sites file that switched it across a restart")
        .hasCauseInstanceOf(InvalidSetting.class);
    assertThat(namespaces.get("news").join().orElseThrow().doc().durability())
        .isEqualTo(NEWS.durability());

    assertThat(namespaces.delete("root", "news", null).join()).isInstanceOf(Outcome.Done.class);
    done(namespaces.put("root", ephemeral, null).join());
    assertThat(namespaces.get("news").join().orElseThrow().doc().durability())
        .as("over a tombstone it is a new namespace")
        .isEqualTo("ephemeral");
  }
}
