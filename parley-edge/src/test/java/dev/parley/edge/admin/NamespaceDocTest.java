package dev.parley.edge.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.Namespace;
import dev.parley.chat.Namespace.Audience;
import dev.parley.core.StreamWindow;
import dev.parley.protocol.http.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A namespace document: defaults, checks naming their field, strict reading, tombstones. */
class NamespaceDocTest {
  static NamespaceDoc read(String json) {
    return Json.readStrict(json.getBytes(StandardCharsets.UTF_8), NamespaceDoc.class);
  }

  @Test
  void aNamespaceThatSetsOnlyItsNameGetsTheRestrictiveDefaults() {
    Namespace n = read("{\"name\":\"news\"}").checked().toNamespace();

    assertThat(n)
        .isEqualTo(new Namespace("news", Audience.AUTHENTICATED, Audience.ADMINS, true, false));
  }

  @Test
  void everyOptionIsRead() {
    Namespace n =
        read("{\"name\":\"news\",\"subscribe\":\"anonymous\",\"publish\":\"agents\","
                + "\"presence\":false,\"joinLeaveEvents\":true}")
            .checked()
            .toNamespace();

    assertThat(n)
        .isEqualTo(new Namespace("news", Audience.ANONYMOUS, Audience.AGENTS, false, true));
  }

  @Test
  void aWrongValueNamesItsField() {
    assertThatThrownBy(() -> read("{\"name\":\"News\"}").checked())
        .isInstanceOfSatisfying(InvalidSetting.class, e -> assertThat(e.field()).isEqualTo("name"));
    assertThatThrownBy(() -> read("{\"name\":\"agents\"}").checked())
        .isInstanceOfSatisfying(
            InvalidSetting.class, e -> assertThat(e.getMessage()).contains("reserved"));
    assertThatThrownBy(() -> read("{\"name\":\"chat_x\"}").checked())
        .isInstanceOf(InvalidSetting.class);
    assertThatThrownBy(() -> read("{}").checked())
        .isInstanceOfSatisfying(InvalidSetting.class, e -> assertThat(e.field()).isEqualTo("name"));
    assertThatThrownBy(() -> read("{\"name\":\"news\",\"publish\":\"everyone\"}").checked())
        .isInstanceOfSatisfying(
            InvalidSetting.class,
            e -> {
              assertThat(e.field()).isEqualTo("publish");
              assertThat(e.getMessage()).contains("everyone");
            });
    assertThatThrownBy(() -> read("{\"name\":\"news\",\"deleted\":true}").checked())
        .isInstanceOfSatisfying(
            InvalidSetting.class, e -> assertThat(e.field()).isEqualTo("deleted"));
  }

  @Test
  void anEphemeralNamespaceKeepsAHistoryWindowWithDefaultsAndLimits() {
    Namespace dflt =
        read("{\"name\":\"ticks\",\"durability\":\"ephemeral\"}").checked().toNamespace();
    assertThat(dflt.window()).isEqualTo(new StreamWindow.Limits(100, Duration.ofMinutes(5)));
    Namespace set =
        read("{\"name\":\"ticks\",\"durability\":\"ephemeral\",\"historySize\":10000,"
                + "\"historyTtlSeconds\":86400}")
            .checked()
            .toNamespace();
    assertThat(set.window()).isEqualTo(new StreamWindow.Limits(10_000, Duration.ofDays(1)));
    assertThat(read("{\"name\":\"news\"}").checked().durability()).isEqualTo("durable");
    assertThat(read("{\"name\":\"news\"}").checked().toNamespace().ephemeral()).isFalse();

    for (String[] bad :
        new String[][] {
          {"{\"name\":\"t\",\"durability\":\"fast\"}", "durability"},
          {"{\"name\":\"t\",\"durability\":\"ephemeral\",\"historySize\":0}", "historySize"},
          {"{\"name\":\"t\",\"durability\":\"ephemeral\",\"historySize\":10001}", "historySize"},
          {
            "{\"name\":\"t\",\"durability\":\"ephemeral\",\"historyTtlSeconds\":86401}",
            "historyTtlSeconds"
          },
          {"{\"name\":\"t\",\"historySize\":5}", "historySize"},
          {
            "{\"name\":\"t\",\"durability\":\"durable\",\"historyTtlSeconds\":5}",
            "historyTtlSeconds"
          }
        }) {
      assertThatThrownBy(() -> read(bad[0]).checked())
          .as(bad[0])
          .isInstanceOfSatisfying(
              InvalidSetting.class, e -> assertThat(e.field()).isEqualTo(bad[1]));
    }
  }

  @Test
  void aMisspeltOptionIsRefusedNotIgnored() {
    // "publsh" must not leave publish at its default unnoticed.
    assertThatThrownBy(() -> read("{\"name\":\"news\",\"publsh\":\"server\"}"))
        .isInstanceOfSatisfying(
            Json.FieldError.class, e -> assertThat(e.field()).isEqualTo("publsh"));
  }

  @Test
  void aTombstoneIsNoNamespace() {
    NamespaceDoc t = NamespaceDoc.tombstone("news");
    NamespaceDoc back = Json.read(Json.write(t), NamespaceDoc.class);

    assertThat(back.tombstoned()).isTrue();
    assertThat(back.toNamespace()).isNull();
  }
}
