package dev.parley.edge.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.ConfigStore;
import dev.parley.chat.EventWebhook;
import dev.parley.chat.IntegrationEvent;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A site's event webhooks: every field checked and named, the secret required for a new webhook,
 * sealed at rest, kept when left out, never shown, and in force on the node at once.
 */
@Timeout(30)
class EventWebhookDocTest extends ConfigurationFixture {

  static EventWebhookDoc hook(String id, String url, String secret, List<String> events) {
    return new EventWebhookDoc(id, url, secret, events, null);
  }

  static SiteDoc site(List<EventWebhookDoc> hooks) {
    return new SiteDoc(
        "acme", null, null, null, null, "Welcome!", null, null, null, null, null, null, hooks);
  }

  static String fieldOf(List<EventWebhookDoc> hooks) {
    try {
      site(hooks).checked();
    } catch (InvalidSetting e) {
      return e.field();
    }
    throw new AssertionError("no InvalidSetting");
  }

  static final String URL = "https://crm.example/parley";
  static final List<String> CREATED = List.of("conversation.created");

  @Test
  void eachBadFieldOfAWebhookIsNamed() {
    assertThat(fieldOf(List.of(hook("bad id", URL, null, CREATED))))
        .isEqualTo("eventWebhooks[0].id");
    assertThat(fieldOf(List.of(hook("a", "ftp://crm.example", null, CREATED))))
        .isEqualTo("eventWebhooks[0].url");
    assertThat(fieldOf(List.of(hook("a", null, null, CREATED)))).isEqualTo("eventWebhooks[0].url");
    assertThat(fieldOf(List.of(hook("a", URL, "short", CREATED))))
        .isEqualTo("eventWebhooks[0].secret");
    assertThat(fieldOf(List.of(hook("a", URL, null, List.of()))))
        .isEqualTo("eventWebhooks[0].events");
    assertThat(
            fieldOf(
                List.of(hook("a", URL, null, List.of("message.created", "conversation.deleted")))))
        .isEqualTo("eventWebhooks[0].events[1]");
    assertThat(
            fieldOf(List.of(hook("a", URL, null, List.of("message.created", "message.created")))))
        .isEqualTo("eventWebhooks[0].events[1]");
    assertThat(fieldOf(List.of(hook("a", URL, null, CREATED), hook("a", URL, null, CREATED))))
        .isEqualTo("eventWebhooks[1].id");
    EventWebhookDoc[] many = new EventWebhookDoc[EventWebhookDoc.MAX_PER_SITE + 1];
    for (int i = 0; i < many.length; i++) {
      many[i] = hook("h" + i, URL, null, CREATED);
    }
    assertThat(fieldOf(List.of(many))).isEqualTo("eventWebhooks");
  }

  @Test
  void aWebhookIsEnabledByDefaultAndReachesTheChatLayerWithItsEvents() {
    SiteDoc d =
        site(List.of(
                hook(
                    "crm",
                    URL,
                    "s".repeat(20),
                    List.of("message.created", "conversation.resolved"))))
            .checked();
    EventWebhook h = d.toSite().eventWebhooks().get(0);
    assertThat(h.enabled()).isTrue();
    assertThat(h.wants(IntegrationEvent.Type.MESSAGE_CREATED)).isTrue();
    assertThat(h.wants(IntegrationEvent.Type.CONVERSATION_CREATED)).isFalse();
    assertThat(h.secret()).isEqualTo("s".repeat(20));
  }

  @Test
  void aNewWebhookNeedsASecret() {
    assertThatThrownBy(
            () ->
                config
                    .putSite("root", site(List.of(hook("crm", URL, null, CREATED))).checked(), 0L)
                    .join())
        .isInstanceOf(CompletionException.class)
        .cause()
        .isInstanceOf(InvalidSetting.class)
        .extracting(e -> ((InvalidSetting) e).field())
        .isEqualTo("eventWebhooks[0].secret");
  }

  @Test
  void theSecretIsSealedKeptWhenLeftOutAndNeverShown() {
    String secret = "integration-secret-42";
    config.putSite("root", site(List.of(hook("crm", URL, secret, CREATED))).checked(), 0L).join();
    String stored = store.find(ConfigStore.Kind.SITE, "acme").join().orElseThrow().body();
    assertThat(stored).doesNotContain(secret).contains("enc:v1:");
    // changed without the secret: the stored one stays
    config
        .putSite("root", site(List.of(hook("crm", URL + "/v2", null, CREATED))).checked(), null)
        .join();
    sync.reload().join();
    EventWebhook h = directory.site("acme").eventWebhooks().get(0);
    assertThat(h.secret()).isEqualTo(secret);
    assertThat(h.url()).isEqualTo(URL + "/v2");
    Object view = AdminApi.siteView(config.site("acme").join().orElseThrow());
    assertThat(view.toString()).doesNotContain(secret).doesNotContain("enc:v1:");
    assertThat(view.toString()).contains("secretSet=true");
  }
}
