package dev.parley.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.core.HandshakePolicy;
import dev.parley.protocol.Push;
import dev.parley.protocol.chat.ChatEvent;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Origins fail closed (issue 14.3): a page may connect from the server's own origin or from one its
 * site lists; a site lists none unless its operator does; a page that names no site gets no other
 * site's list; {@code Origin: null} never passes. Open channels are off by default (issue 14.7).
 */
@Timeout(30)
class OriginPolicyTest {
  static final String SELF = "https://chat.example.com";
  static final String ACME = "https://www.acme.example";

  final ChatHarness h =
      new ChatHarness(
          ChatConfig.defaults(),
          List.of(
              new Site("acme", "Acme", List.of(ACME), "Hi", "Bot", 0.5, BusinessHours.always()),
              new Site("open", "Open", List.of("*"), "Hi", "Bot", 0.5, BusinessHours.always()),
              new Site("quiet", "Quiet", List.of(), "Hi", "Bot", 0.5, BusinessHours.always())));
  final HandshakePolicy policy = h.chat.handshakePolicy();

  @AfterEach
  void close() {
    h.close();
  }

  boolean handshake(String origin, String site) {
    return policy.originAllowed(
        new HandshakePolicy.Request(
            origin, "chat.example.com", site == null ? Map.of() : Map.of("site", site)));
  }

  @Test
  void aSiteAdmitsTheOriginsItListsAndTheServersOwn() {
    assertThat(handshake(ACME, "acme")).isTrue();
    assertThat(handshake(SELF, "acme")).isTrue();
    assertThat(handshake("https://evil.example", "acme")).isFalse();
    assertThat(handshake("https://evil.example", "open")).as("* was listed explicitly").isTrue();
    assertThat(handshake(ACME, "quiet"))
        .as("a site that lists none: its own server only")
        .isFalse();
    assertThat(handshake(SELF, "quiet")).isTrue();
    assertThat(handshake(ACME, "nosuchsite")).isFalse();
  }

  @Test
  void aPageThatNamesNoSiteComesFromTheServersOwnOriginOrNotAtAll() {
    assertThat(handshake(ACME, null)).as("acme's list counts only for acme").isFalse();
    assertThat(handshake("https://evil.example", null)).as("even with a site listing *").isFalse();
    assertThat(handshake(SELF, null)).isTrue();
  }

  @Test
  void originNullIsNeverAllowedAndNoOriginIsNotABrowser() {
    assertThat(handshake("null", "open")).isFalse();
    assertThat(handshake("null", null)).isFalse();
    assertThat(handshake(null, "acme")).as("no Origin: not a browser; credentials decide").isTrue();
  }

  @Test
  void theSiteAHelloNamesIsCheckedAgainstTheConnectionsOrigin() throws Exception {
    // Admitted by the server's own origin at the handshake, then naming acme from another origin.
    ChatHarness.Client evil = h.connect(Map.of(), "https://evil.example", "192.0.2.7");
    evil.send("{\"type\":\"hello\",\"site\":\"acme\"}");
    Push.Error e = evil.next(Push.Error.class);
    assertThat(e.code()).isEqualTo("forbidden");
    assertThat(e.field()).isEqualTo("site");
    evil.assertNothingMore(); // no welcome: not placed on acme, no conversation, no greeting
    String next = ConversationOpener.nextId("acme", "anyone", "");
    evil.send("{\"type\":\"join\",\"ref\":\"j\",\"conv\":\"" + next + "\"}");
    assertThat(evil.next(Push.Error.class).code())
        .as("a join before a welcome")
        .isEqualTo("hello_required");

    ChatHarness.Client acme = h.connect(Map.of(), ACME, "192.0.2.8");
    acme.send("{\"type\":\"hello\",\"site\":\"acme\"}");
    acme.next(Push.Welcome.class);
    assertThat(acme.next(ChatEvent.Conversation.class).site()).isEqualTo("acme");
  }

  @Test
  void openChannelsAreOffByDefault() throws Exception {
    assertThat(ChatConfig.defaults().openChannels()).isFalse();
    ChatHarness.Client v = h.connect(Map.of(), null, "192.0.2.9");
    v.send("{\"type\":\"hello\"}");
    v.next(Push.Welcome.class);
    v.send("{\"type\":\"join\",\"ref\":\"j1\",\"conv\":\"any-channel\"}");
    Push.Error e = v.next(Push.Error.class);
    assertThat(e.code()).isEqualTo("forbidden");
    assertThat(e.ref()).isEqualTo("j1");
    v.send("{\"type\":\"send\",\"cid\":\"c1\",\"conv\":\"any-channel\",\"text\":\"hi\"}");
    Push.Error s = v.next(Push.Error.class);
    assertThat(s.code()).as("a send goes only where a join went").isEqualTo("not_joined");
    assertThat(s.cid()).isEqualTo("c1");
    assertThat(h.store.readAfter("any-channel", 0, 10)).isEmpty();
  }
}
