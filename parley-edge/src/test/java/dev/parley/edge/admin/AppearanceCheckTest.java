package dev.parley.edge.admin;

import static dev.parley.edge.admin.SiteDocTest.fieldOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.Site;
import dev.parley.edge.admin.SiteDoc.Appearance;
import dev.parley.edge.admin.SiteDoc.Texts;
import dev.parley.protocol.http.Json;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A site's widget appearance: every field is checked and named when wrong, and the greeting follows
 * the visitor's language.
 */
class AppearanceCheckTest {
  static SiteDoc site(Appearance a) {
    return new SiteDoc(
        "acme", null, null, null, null, "Welcome!", null, null, null, null, null, null, a);
  }

  static Appearance look(String accent, String position, String avatar) {
    return new Appearance(accent, position, null, null, avatar, null, null, null);
  }

  @Test
  void aFullAppearanceReachesTheChatLayer() {
    Site s =
        site(new Appearance(
                "#0A7D4F",
                "bottom-left",
                "Acme help",
                "Ask us",
                "https://cdn.acme.example/logo.png",
                Map.of("de", new Texts("Willkommen!", "Acme-Hilfe", "Fragen?")),
                null,
                null))
            .checked()
            .toSite();
    assertThat(s.appearance().accent()).as("lower case").isEqualTo("#0a7d4f");
    assertThat(s.appearance().position()).isEqualTo("bottom-left");
    assertThat(s.appearance().textsFor("de").title()).isEqualTo("Acme-Hilfe");
    assertThat(SiteDoc.of(s).appearance().texts()).containsKey("de");
  }

  @Test
  void theGreetingFollowsTheVisitorsLanguageAndFallsBackToTheSitesOwn() {
    Site s =
        site(new Appearance(
                null,
                null,
                null,
                null,
                null,
                Map.of(
                    "DE", new Texts("Willkommen!", null, null),
                    "pt-br", new Texts("Bem-vindo!", null, null),
                    "fr", new Texts(null, "Aide", null)),
                null,
                null))
            .checked()
            .toSite();
    assertThat(s.greeting("de")).isEqualTo("Willkommen!");
    assertThat(s.greeting("de-AT")).as("its primary language").isEqualTo("Willkommen!");
    assertThat(s.greeting("pt-BR")).isEqualTo("Bem-vindo!");
    assertThat(s.greeting("pt")).as("no texts for pt alone").isEqualTo("Welcome!");
    assertThat(s.greeting("fr")).as("texts without a greeting").isEqualTo("Welcome!");
    assertThat(s.greeting("en")).isEqualTo("Welcome!");
    assertThat(s.greeting(null)).isEqualTo("Welcome!");
    assertThat(site(null).checked().toSite().greeting("de")).isEqualTo("Welcome!");
  }

  @Test
  void aSiteLanguageWinsOverTheVisitorsForTheGreetingAndTheChat() {
    Site s =
        site(new Appearance(
                null,
                null,
                null,
                null,
                null,
                Map.of("de", new Texts("Willkommen!", null, null)),
                "de",
                null))
            .checked()
            .toSite();
    assertThat(s.visitorLanguage("fr-FR")).isEqualTo("de");
    assertThat(s.visitorLanguage(null)).isEqualTo("de");
    assertThat(s.greeting("fr")).isEqualTo("Willkommen!");
    assertThat(SiteDoc.of(s).appearance().lang()).isEqualTo("de");
    Site open = site(look(null, null, null)).checked().toSite();
    assertThat(open.visitorLanguage("fr-FR")).as("no site language").isEqualTo("fr-FR");
    assertThat(
            fieldOf(
                () ->
                    site(new Appearance(null, null, null, null, null, null, "german", null))
                        .checked()))
        .isEqualTo("appearance.lang");
  }

  @Test
  void eachBadFieldIsNamed() {
    assertThat(fieldOf(() -> site(look("red", null, null)).checked()))
        .isEqualTo("appearance.accent");
    assertThat(fieldOf(() -> site(look("#12345", null, null)).checked()))
        .isEqualTo("appearance.accent");
    assertThat(fieldOf(() -> site(look(null, "top-left", null)).checked()))
        .isEqualTo("appearance.position");
    assertThat(
            fieldOf(
                () ->
                    site(new Appearance(null, null, "x".repeat(61), null, null, null, null, null))
                        .checked()))
        .isEqualTo("appearance.title");
    assertThat(
            fieldOf(
                () ->
                    site(new Appearance(null, null, null, "a\nb", null, null, null, null))
                        .checked()))
        .isEqualTo("appearance.launcherText");
    for (String bad :
        new String[] {
          "http://acme.example/logo.png",
          "javascript:alert(1)",
          "data:image/png;base64,AAAA",
          "//evil.example/logo.png",
          "logo.png",
          "/a\\b.png",
          "https:///nohost"
        }) {
      assertThat(fieldOf(() -> site(look(null, null, bad)).checked()))
          .as(bad)
          .isEqualTo("appearance.avatarUrl");
    }
    assertThat(site(look(null, null, "/brand/logo.svg")).checked().appearance().avatarUrl())
        .isEqualTo("/brand/logo.svg");
    assertThat(
            fieldOf(
                () ->
                    site(new Appearance(
                            null,
                            null,
                            null,
                            null,
                            null,
                            Map.of("german", new Texts("x", null, null)),
                            null,
                            null))
                        .checked()))
        .isEqualTo("appearance.texts.german");
    assertThat(
            fieldOf(
                () ->
                    site(new Appearance(
                            null,
                            null,
                            null,
                            null,
                            null,
                            Map.of("de", new Texts("x".repeat(2001), null, null)),
                            null,
                            null))
                        .checked()))
        .isEqualTo("appearance.texts.de.greeting");
    assertThat(
            fieldOf(
                () ->
                    site(new Appearance(
                            null,
                            null,
                            null,
                            null,
                            null,
                            Map.of(
                                "de", new Texts("a", null, null), "DE", new Texts("b", null, null)),
                            null,
                            null))
                        .checked()))
        .startsWith("appearance.texts.");
  }

  @Test
  void theApiRefusesUnknownAppearanceFieldsNamingThem() {
    String body =
        """
        {"id": "acme", "greeting": "hi", "appearance": {"accent": "#000000", "colour": "red"}}""";
    try {
      Json.readStrict(body.getBytes(StandardCharsets.UTF_8), SiteDoc.class);
      throw new AssertionError("accepted an unknown field");
    } catch (Json.FieldError e) {
      assertThat(e.field()).isEqualTo("appearance.colour");
    }
    SiteDoc read =
        Json.readStrict(
            """
            {"id": "acme", "greeting": "hi", "appearance": {"accent": "#000000", "texts": {"de": {"greeting": "Hallo"}}}}"""
                .getBytes(StandardCharsets.UTF_8),
            SiteDoc.class);
    assertThat(read.checked().toSite().greeting("de")).isEqualTo("Hallo");
  }
}
