package dev.parley.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.core.Principal;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChannelGrantsTest {

  @Test
  void aClaimOfTwoListsIsReadAndTravelsInThePrincipal() {
    ChannelGrants g =
        ChannelGrants.parse(
            Map.of("subscribe", List.of("dash:*", "notify:user-42"), "publish", List.of("room:a")));
    assertThat(g.subscribe()).containsExactly("dash:*", "notify:user-42");
    assertThat(g.publish()).containsExactly("room:a");

    Principal p = new Principal("shop:42", g.claims(), null);
    ChannelGrants back = ChannelGrants.of(p);
    assertThat(back).isEqualTo(g);
    assertThat(back.maySubscribe("dash:sales")).isTrue();
    assertThat(back.maySubscribe("dash:")).isTrue();
    assertThat(back.maySubscribe("notify:user-42")).isTrue();
    assertThat(back.maySubscribe("notify:user-420")).isFalse(); // exact, not a prefix
    assertThat(back.maySubscribe("room:a")).isFalse(); // publish only
    assertThat(back.mayPublish("room:a")).isTrue();
    assertThat(back.mayPublish("dash:sales")).isFalse();
  }

  @Test
  void noClaimIsNoGrantAndAPrincipalWithoutOneHasNone() {
    assertThat(ChannelGrants.parse(null)).isEqualTo(ChannelGrants.NONE);
    assertThat(ChannelGrants.parse(Map.of("subscribe", List.of("dash:*"))).publish()).isEmpty();
    assertThat(ChannelGrants.NONE.claims())
        .as("present though empty: a token without grants differs from one with")
        .containsOnly(
            Map.entry(ChannelGrants.SUBSCRIBE_CLAIM, ""),
            Map.entry(ChannelGrants.PUBLISH_CLAIM, ""));
    Principal p = new Principal("v_abcdefghijklmnop", Map.of("role", "visitor"), null);
    assertThat(ChannelGrants.of(p)).isEqualTo(ChannelGrants.NONE);
    assertThat(ChannelGrants.of(p).maySubscribe("dash:x")).isFalse();
  }

  @Test
  void aMalformedClaimIsRefusedNamingItsPart() {
    assertThatThrownBy(() -> ChannelGrants.parse(List.of("dash:*")))
        .hasMessageContaining("channels must be an object");
    assertThatThrownBy(() -> ChannelGrants.parse(Map.of("join", List.of("dash:*"))))
        .hasMessageContaining("channels.join is not known");
    assertThatThrownBy(() -> ChannelGrants.parse(Map.of("subscribe", "dash:*")))
        .hasMessageContaining("channels.subscribe must be a list");
    assertThatThrownBy(() -> ChannelGrants.parse(Map.of("subscribe", List.of("dash:a", 7))))
        .hasMessageContaining("channels.subscribe[1] must be a channel id");
    assertThatThrownBy(() -> ChannelGrants.parse(Map.of("publish", List.of("dash:a b"))))
        .hasMessageContaining("channels.publish[0]");
    assertThatThrownBy(() -> ChannelGrants.parse(Map.of("subscribe", List.of("da*sh:x"))))
        .hasMessageContaining("channels.subscribe[0]");
    assertThatThrownBy(() -> ChannelGrants.parse(Map.of("subscribe", List.of("*"))))
        .hasMessageContaining("channels.subscribe[0]");
  }

  @Test
  void aPatternMustNameANamespaceSoNoGrantReachesTheChatLayer() {
    for (String p : List.of("dash*", "lobby", "chat_abc:*", "agents:shop", "parley*", ":x*")) {
      assertThatThrownBy(() -> ChannelGrants.parse(Map.of("subscribe", List.of(p))))
          .as(p)
          .hasMessageContaining("must begin with a namespace's name");
    }
  }

  @Test
  void theServerChannelsMayBeGrantedToJoinButNeverToSendInto() {
    ChannelGrants g = ChannelGrants.parse(Map.of("subscribe", List.of("parley:stats")));
    assertThat(g.maySubscribe(ServerChannels.STATS)).isTrue();
    assertThat(g.maySubscribe("parley:other")).isFalse();
    assertThatThrownBy(() -> ChannelGrants.parse(Map.of("publish", List.of("parley:stats"))))
        .hasMessageContaining("channels.publish[0] must begin with a namespace's name");
    assertThat(g.namesServerChannel()).isTrue();
    assertThat(ChannelGrants.parse(Map.of("subscribe", List.of("dash:*"))).namesServerChannel())
        .isFalse();
  }

  @Test
  void aServerChannelIsGrantedByItsExactIdNeverByAPattern() {
    for (String p : List.of("parley:*", "parley:st*")) {
      assertThatThrownBy(() -> ChannelGrants.parse(Map.of("subscribe", List.of(p))))
          .as(p)
          .hasMessageContaining("must name a server channel exactly");
    }
  }

  @Test
  void atMostThirtyTwoPatternsPerList() {
    List<String> many = Collections.nCopies(ChannelGrants.MAX_PATTERNS, "dash:*");
    assertThat(ChannelGrants.parse(Map.of("publish", many)).publish()).hasSize(32);
    List<String> tooMany = Collections.nCopies(ChannelGrants.MAX_PATTERNS + 1, "dash:*");
    assertThatThrownBy(() -> ChannelGrants.parse(Map.of("publish", tooMany)))
        .hasMessageContaining("33 entries; at most 32");
  }
}
