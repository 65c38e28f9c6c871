package dev.parley.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.protocol.Push;
import dev.parley.protocol.chat.ChatEvent;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A site without anonymous visitors admits only the visitors its backend signed in, wherever the
 * site is named (issue 14.1): in the URL, in {@code hello}, or by the token alone. The end-to-end
 * story over both transports is {@code SiteIdentityTest}.
 */
@Timeout(30)
class SiteAdmissionTest {
  final ChatHarness h =
      new ChatHarness(
          ChatConfig.defaults(),
          List.of(
              new Site(
                  "bank",
                  "Bank",
                  List.of("*"),
                  "Hi",
                  "Bot",
                  0.5,
                  BusinessHours.always(),
                  false,
                  "s".repeat(32)),
              new Site("demo", "Demo", List.of("*"), "Hi", "Bot", 0.5, BusinessHours.always())));

  @AfterEach
  void close() {
    h.close();
  }

  Push.Error refusedHello(Map<String, String> params, String hello) throws InterruptedException {
    ChatHarness.Client c = h.connect(params);
    c.send(hello);
    Push.Error e = c.next(Push.Error.class);
    c.assertNothingMore(); // no welcome, no conversation
    return e;
  }

  @Test
  void anAnonymousVisitorIsRefusedWhereverTheSiteIsNamed() throws Exception {
    Push.Error inHello = refusedHello(Map.of(), "{\"type\":\"hello\",\"site\":\"bank\"}");
    assertThat(inHello.code()).isEqualTo("unauthorized");
    assertThat(inHello.field()).isEqualTo("token");
    Push.Error inUrl = refusedHello(Map.of("site", "bank"), "{\"type\":\"hello\"}");
    assertThat(inUrl.code()).isEqualTo("unauthorized");
  }

  @Test
  void anAnonymousTokenFromAnotherSiteDoesNotOpenIt() throws Exception {
    String demoToken = h.visitor().token();
    Push.Error e =
        refusedHello(
            Map.of(), "{\"type\":\"hello\",\"site\":\"bank\",\"token\":\"" + demoToken + "\"}");
    assertThat(e.code()).isEqualTo("unauthorized");
  }

  @Test
  void anotherSitesSignedInVisitorIsRefusedAndTheSitesOwnGetsIn() throws Exception {
    Push.Error other =
        refusedHello(
            Map.of(), "{\"type\":\"hello\",\"site\":\"bank\",\"token\":\"signed-in:demo:ann\"}");
    assertThat(other.code()).isEqualTo("unauthorized");
    assertThat(other.field()).isEqualTo("site");

    ChatHarness.Client own = h.connect(Map.of());
    own.send("{\"type\":\"hello\",\"token\":\"signed-in:bank:ann\"}");
    assertThat(own.next(Push.Welcome.class).user()).isEqualTo("bank:ann");
    assertThat(own.next(ChatEvent.Conversation.class).site()).isEqualTo("bank");
  }
}
