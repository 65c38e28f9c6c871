package dev.parley.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.Namespace.Audience;
import dev.parley.core.Principal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NamespaceTest {
  static final Principal ANONYMOUS =
      new Principal(
          "v_abcdefghijklmnop", ChatIdentity.claims(ChatIdentity.Role.VISITOR, null), null);
  static final Principal SIGNED_IN =
      new Principal("shop:42", ChatIdentity.claims(ChatIdentity.Role.VISITOR, "shop"), null);
  static final Principal AGENT =
      new Principal("maya", ChatIdentity.claims(ChatIdentity.Role.AGENT, null), null);
  static final Principal ADMIN =
      new Principal("root", ChatIdentity.claims(ChatIdentity.Role.ADMIN, null), null);

  @Test
  void aChannelBelongsToTheNamespaceBeforeItsFirstColon() {
    assertThat(Namespace.nameOf("news:today")).isEqualTo("news");
    assertThat(Namespace.nameOf("news:eu:today")).isEqualTo("news");
    assertThat(Namespace.nameOf("dash_1-x:a")).isEqualTo("dash_1-x");
    // No namespace: no colon, an empty or ill-formed name, or one the chat layer owns.
    assertThat(Namespace.nameOf("lobby")).isNull();
    assertThat(Namespace.nameOf(":x")).isNull();
    assertThat(Namespace.nameOf("News:x")).isNull();
    assertThat(Namespace.nameOf("agents:shop")).isNull();
    assertThat(Namespace.nameOf("chat_abc:notes")).isNull();
    assertThat(Namespace.nameOf("a".repeat(33) + ":x")).isNull();
  }

  @Test
  void reservedAndIllFormedNamesAreRefused() {
    assertThat(Namespace.problem("news")).isNull();
    assertThat(Namespace.problem("a".repeat(32))).isNull();
    assertThat(Namespace.problem("a".repeat(33))).contains("1-32");
    assertThat(Namespace.problem("")).contains("1-32");
    assertThat(Namespace.problem("News")).contains("a-z");
    assertThat(Namespace.problem("a:b")).contains("a-z");
    assertThat(Namespace.problem("agents")).contains("reserved");
    assertThat(Namespace.problem("parley")).contains("reserved");
    assertThat(Namespace.problem("chat_x")).contains("reserved");
    assertThatThrownBy(
            () -> new Namespace("agents", Audience.ANONYMOUS, Audience.ANONYMOUS, true, false))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void eachAudienceAdmitsWhomItSays() {
    Map<Audience, Principal[]> admitted =
        Map.of(
            Audience.ANONYMOUS, new Principal[] {ANONYMOUS, SIGNED_IN, AGENT, ADMIN},
            Audience.AUTHENTICATED, new Principal[] {SIGNED_IN, AGENT, ADMIN},
            Audience.AGENTS, new Principal[] {AGENT, ADMIN},
            Audience.ADMINS, new Principal[] {ADMIN},
            Audience.GRANTED, new Principal[] {},
            Audience.SERVER, new Principal[] {});
    for (Audience a : Audience.values()) {
      for (Principal p : new Principal[] {ANONYMOUS, SIGNED_IN, AGENT, ADMIN}) {
        for (boolean publish : new boolean[] {false, true}) {
          assertThat(a.admits(p, "news:today", publish))
              .as(a + " admits " + p.user() + (publish ? " to publish" : " to subscribe"))
              .isEqualTo(List.of(admitted.get(a)).contains(p));
        }
      }
      assertThat(Audience.ofWire(a.wire())).isEqualTo(a);
    }
    assertThat(Audience.ofWire("everyone")).isNull();
  }

  @Test
  void grantedAdmitsTheHoldersOfAGrantForThatChannelAndAction() {
    Map<String, String> claims = ChatIdentity.claims(ChatIdentity.Role.VISITOR, "shop");
    claims.putAll(new ChannelGrants(List.of("dash:shop-*"), List.of("dash:shop-orders")).claims());
    Principal holder = new Principal("shop:42", claims, null);

    assertThat(Audience.GRANTED.admits(holder, "dash:shop-orders", false)).isTrue();
    assertThat(Audience.GRANTED.admits(holder, "dash:shop-stock", false)).isTrue();
    assertThat(Audience.GRANTED.admits(holder, "dash:other", false)).isFalse();
    assertThat(Audience.GRANTED.admits(holder, "dash:shop-orders", true)).isTrue();
    assertThat(Audience.GRANTED.admits(holder, "dash:shop-stock", true)).isFalse();
    // Other audiences ignore grants: a grant never opens a namespace for admins only.
    assertThat(Audience.ADMINS.admits(holder, "dash:shop-orders", false)).isFalse();
    assertThat(Audience.GRANTED.admits(ADMIN, "dash:shop-orders", false)).isFalse();
  }
}
