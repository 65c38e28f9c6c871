package dev.parley.edge.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.ConfigStore.Kind;
import dev.parley.chat.NamespaceProxy;
import dev.parley.protocol.http.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A namespace's proxy as operators configure it: every field checked naming its field, the default
 * timeout, the secret required (sent or stored), sealed at rest, opened for the node, kept when a
 * change leaves it out, never shown, and an import of the same file writing nothing the second
 * time.
 */
@Timeout(30)
class NamespaceProxyConfigTest extends ConfigurationFixture {
  static final String SECRET = "backend-shared-secret";

  static NamespaceDoc read(String json) {
    return Json.readStrict(json.getBytes(StandardCharsets.UTF_8), NamespaceDoc.class);
  }

  static NamespaceDoc gated(String proxy) {
    return read("{\"name\":\"gated\",\"subscribe\":\"anonymous\",\"proxy\":" + proxy + "}")
        .checked();
  }

  static String field(Runnable r) {
    try {
      r.run();
    } catch (InvalidSetting e) {
      return e.field();
    }
    throw new AssertionError("no InvalidSetting");
  }

  @Test
  void everyProxyFieldIsCheckedAndTheTimeoutDefaultsToTwoSeconds() {
    NamespaceDoc d =
        gated("{\"subscribeUrl\":\"https://app.example/auth\",\"secret\":\"" + SECRET + "\"}");
    assertThat(d.proxy().timeoutMs()).isEqualTo(2000);
    assertThat(d.toNamespace().proxy().timeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(d.toString()).doesNotContain(SECRET);
    assertThat(d.toNamespace().toString()).doesNotContain(SECRET);

    assertThat(field(() -> gated("{\"secret\":\"" + SECRET + "\"}"))).isEqualTo("proxy");
    assertThat(field(() -> gated("{\"subscribeUrl\":\"ftp://x/y\",\"secret\":\"" + SECRET + "\"}")))
        .isEqualTo("proxy.subscribeUrl");
    assertThat(field(() -> gated("{\"publishUrl\":\"/relative\",\"secret\":\"" + SECRET + "\"}")))
        .isEqualTo("proxy.publishUrl");
    assertThat(
            field(
                () ->
                    gated(
                        "{\"publishUrl\":\"http://a/b\",\"timeoutMs\":10001,\"secret\":\""
                            + SECRET
                            + "\"}")))
        .isEqualTo("proxy.timeoutMs");
    assertThat(field(() -> gated("{\"publishUrl\":\"http://a/b\",\"secret\":\"short\"}")))
        .isEqualTo("proxy.secret");
    assertThatThrownBy(() -> read("{\"name\":\"gated\",\"proxy\":{\"url\":\"http://a/b\"}}"))
        .isInstanceOf(Json.FieldError.class);
  }

  @Test
  void theSecretIsSealedAtRestOpenedForTheNodeAndKeptWhenAChangeLeavesItOut() {
    NamespaceDoc first =
        gated("{\"subscribeUrl\":\"http://app/auth\",\"secret\":\"" + SECRET + "\"}");
    long v =
        NamespaceConfigTest.done(config.namespaces().put("root", first, null).join()).version();

    String body = store.find(Kind.NAMESPACE, "gated").join().orElseThrow().body();
    assertThat(body).doesNotContain(SECRET).contains("enc:v1:");
    NamespaceProxy inForce = directory.namespace("gated").proxy();
    assertThat(inForce.secret()).isEqualTo(SECRET);
    assertThat(inForce.subscribe().toString()).isEqualTo("http://app/auth");

    NamespaceDoc slower = gated("{\"subscribeUrl\":\"http://app/auth\",\"timeoutMs\":500}");
    NamespaceConfigTest.done(config.namespaces().put("root", slower, v).join());
    assertThat(directory.namespace("gated").proxy().secret()).isEqualTo(SECRET);
    assertThat(directory.namespace("gated").proxy().timeout()).isEqualTo(Duration.ofMillis(500));

    Object shown = NamespaceApi.view(config.namespaces().get("gated").join().orElseThrow());
    assertThat(new String(Json.write(shown), StandardCharsets.UTF_8))
        .doesNotContain(SECRET)
        .doesNotContain("enc:v1:")
        .contains("\"secretSet\":true");
  }

  @Test
  void aProxyWithNoSecretSentOrStoredIsRefused() {
    NamespaceDoc unsigned = gated("{\"subscribeUrl\":\"http://app/auth\"}");
    assertThatThrownBy(() -> config.namespaces().put("root", unsigned, null).join())
        .isInstanceOf(CompletionException.class)
        .cause()
        .isInstanceOfSatisfying(
            InvalidSetting.class, e -> assertThat(e.field()).isEqualTo("proxy.secret"));
    assertThat(directory.namespace("gated")).isNull();
  }

  @Test
  void importingTheSameProxyTwiceWritesNothingTheSecondTime() {
    NamespaceDoc d = gated("{\"publishUrl\":\"http://app/pub\",\"secret\":\"" + SECRET + "\"}");
    assertThat(config.namespaces().importAll(List.of(d)).join()).isEqualTo(1);
    assertThat(config.namespaces().importAll(List.of(d)).join()).isZero();
  }
}
