package dev.parley.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.BusinessHours;
import dev.parley.chat.Directory;
import dev.parley.chat.FileLimits;
import dev.parley.chat.Site;
import dev.parley.chat.SiteAppearance;
import dev.parley.chat.VoiceSettings;
import dev.parley.protocol.http.HttpApi;
import dev.parley.protocol.http.HttpApi.Request;
import dev.parley.protocol.http.HttpApi.Response;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/sites/{site}/appearance}: public for the pages that may open the site's widget,
 * cached and versioned by its ETag.
 */
class AppearanceApiTest {
  static final SiteAppearance LOOK =
      new SiteAppearance(
          "#0a7d4f",
          "bottom-left",
          "Acme help",
          null,
          "/logo.svg",
          Map.of(
              "de", new SiteAppearance.Texts("Hallo!", "Acme-Hilfe", null),
              "fr", new SiteAppearance.Texts("Bonjour !", null, null)),
          "de");

  final Directory directory =
      new Directory(
          Map.of(
              "acme",
              new Site(
                  "acme",
                  "Acme",
                  List.of("https://acme.example"),
                  "Welcome!",
                  "Acme bot",
                  0.5,
                  BusinessHours.always(),
                  true,
                  null,
                  Site.DEFAULT_VISITOR_IDLE,
                  null,
                  LOOK)),
          Map.of());
  final AppearanceApi api = new AppearanceApi(HttpApi.NONE, directory);

  Response get(String path, Map<String, String> headers) {
    Map<String, String> h = new HashMap<>(headers);
    h.putIfAbsent("host", "chat.acme.example");
    return api.handle(new Request("GET", path, Map.of(), h, new byte[0], "127.0.0.1")).join();
  }

  static String body(Response r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  @Test
  void anAllowedOriginGetsTheAppearanceWithCorsAndCacheHeaders() {
    Response r = get("/api/sites/acme/appearance", Map.of("origin", "https://acme.example"));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.headers())
        .containsEntry("Access-Control-Allow-Origin", "https://acme.example")
        .containsEntry("Cache-Control", "public, max-age=60")
        .containsEntry("Vary", "Origin")
        .containsKey("ETag");
    assertThat(body(r))
        .contains(
            "\"accent\":\"#0a7d4f\"",
            "\"position\":\"bottom-left\"",
            "\"botName\":\"Acme bot\"",
            "\"lang\":\"de\"")
        .contains("\"de\":{\"title\":\"Acme-Hilfe\"}")
        .as("greetings come over the protocol; fr has no title or label")
        .doesNotContain("Hallo!", "Bonjour", "\"fr\"");
  }

  @Test
  void theServersOwnPagesAndNonBrowsersGetItToo() {
    assertThat(get("/api/sites/acme/appearance", Map.of()).status()).isEqualTo(200);
    Response own = get("/api/sites/acme/appearance", Map.of("origin", "https://chat.acme.example"));
    assertThat(own.status()).isEqualTo(200);
  }

  @Test
  void anotherOriginIsForbiddenAndAnUnknownSiteIsNotFound() {
    Response other = get("/api/sites/acme/appearance", Map.of("origin", "https://evil.example"));
    assertThat(other.status()).isEqualTo(403);
    assertThat(other.headers()).doesNotContainKey("Access-Control-Allow-Origin");
    assertThat(get("/api/sites/acme/appearance", Map.of("origin", "null")).status()).isEqualTo(403);
    assertThat(get("/api/sites/nope/appearance", Map.of()).status()).isEqualTo(404);
  }

  @Test
  void theSameETagGetsNotModifiedAndAChangeGetsANewOne() {
    Response first = get("/api/sites/acme/appearance", Map.of());
    String etag = first.headers().get("ETag");
    Response again = get("/api/sites/acme/appearance", Map.of("if-none-match", etag));
    assertThat(again.status()).isEqualTo(304);
    assertThat(again.body()).isEmpty();
    assertThat(again.headers()).containsEntry("ETag", etag);

    Site changed =
        directory
            .site("acme")
            .withBot(null); // same look: same tag, whatever else changed about the site
    directory.replace(Map.of("acme", changed), Map.of(), 2);
    assertThat(get("/api/sites/acme/appearance", Map.of()).headers().get("ETag")).isEqualTo(etag);

    directory.replace(
        Map.of(
            "acme",
            new Site(
                "acme",
                "Acme",
                List.of(),
                "Welcome!",
                "Acme bot",
                0.5,
                BusinessHours.always(),
                true,
                null,
                Site.DEFAULT_VISITOR_IDLE,
                null,
                new SiteAppearance("#111111", null, null, null, null, null))),
        Map.of(),
        3);
    Response after = get("/api/sites/acme/appearance", Map.of("if-none-match", etag));
    assertThat(after.status()).isEqualTo(200);
    assertThat(after.headers().get("ETag")).isNotEqualTo(etag);
    assertThat(body(after)).contains("#111111");
  }

  @Test
  void theVoiceNotesLengthComesWithTheLookAndNotWhereNoAudioIsAccepted() {
    assertThat(body(get("/api/sites/acme/appearance", Map.of())))
        .as("the default: two minutes")
        .contains("\"voice\":{\"maxSeconds\":120}");
    Site acme = directory.site("acme");
    directory.replace(Map.of("acme", acme.withVoice(new VoiceSettings(30, null))), Map.of(), 2);
    assertThat(body(get("/api/sites/acme/appearance", Map.of())))
        .contains("\"voice\":{\"maxSeconds\":30}");
    directory.replace(
        Map.of(
            "acme",
            acme.withVoice(new VoiceSettings(30, null))
                .withFiles(new FileLimits(1024, List.of("image/png", "application/pdf"), 10))),
        Map.of(),
        3);
    assertThat(body(get("/api/sites/acme/appearance", Map.of())))
        .as("no audio type allowed: no microphone in the widget")
        .doesNotContain("voice");
  }

  @Test
  void otherPathsGoOnAndWritesAreRefused() {
    assertThat(get("/api/queue", Map.of()).status()).as("HttpApi.NONE").isEqualTo(404);
    Response post =
        api.handle(
                new Request(
                    "POST", "/api/sites/acme/appearance", Map.of(), Map.of(), new byte[0], "x"))
            .join();
    assertThat(post.status()).isEqualTo(405);
  }
}
