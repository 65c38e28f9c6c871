package dev.parley.edge.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.BotSettings;
import dev.parley.chat.Site;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every field of a site and an agent is checked, and the first problem names its field. */
class SiteDocTest {
  static SiteDoc site(List<String> origins, SiteDoc.Bot bot) {
    return new SiteDoc(
        "acme", null, origins, null, null, "Welcome!", null, null, null, null, bot, null);
  }

  static String fieldOf(Runnable r) {
    try {
      r.run();
    } catch (InvalidSetting e) {
      return e.field();
    }
    throw new AssertionError("no InvalidSetting");
  }

  @Test
  void aMinimalSiteGetsItsDefaults() {
    SiteDoc d = site(null, null).checked();
    assertThat(d.name()).isEqualTo("acme");
    assertThat(d.allowedOrigins()).isEmpty();
    assertThat(d.anonymousVisitors()).isTrue();
    assertThat(d.confidenceThreshold()).isEqualTo(0.5);
    Site s = d.toSite();
    assertThat(s.bot()).as("the deployment's bot").isNull();
    assertThat(s.visitorIdle()).isEqualTo(Site.DEFAULT_VISITOR_IDLE);
  }

  @Test
  void eachBadFieldIsNamed() {
    assertThat(
            fieldOf(
                () ->
                    new SiteDoc(
                            "a b", null, null, null, null, "hi", null, null, null, null, null, null)
                        .checked()))
        .isEqualTo("id");
    assertThat(
            fieldOf(
                () ->
                    new SiteDoc(
                            "acme", null, null, null, null, " ", null, null, null, null, null, null)
                        .checked()))
        .isEqualTo("greeting");
    assertThat(fieldOf(() -> site(List.of("https://ok.example", "ftp://no"), null).checked()))
        .isEqualTo("allowedOrigins[1]");
    assertThat(fieldOf(() -> site(List.of("null"), null).checked())).isEqualTo("allowedOrigins[0]");
    assertThat(
            fieldOf(
                () ->
                    new SiteDoc(
                            "acme", null, null, null, "short", "hi", null, null, null, null, null,
                            null)
                        .checked()))
        .isEqualTo("identitySecret");
    assertThat(
            fieldOf(
                () ->
                    new SiteDoc(
                            "acme", null, null, null, null, "hi", null, 1.5, null, null, null, null)
                        .checked()))
        .isEqualTo("confidenceThreshold");
    assertThat(
            fieldOf(
                () ->
                    new SiteDoc(
                            "acme",
                            null,
                            null,
                            null,
                            null,
                            "hi",
                            null,
                            null,
                            new SiteDoc.Hours(List.of("FUNDAY"), "09:00", "17:00", "UTC"),
                            null,
                            null,
                            null)
                        .checked()))
        .isEqualTo("hours");
    assertThat(
            fieldOf(
                () ->
                    new SiteDoc(
                            "acme", null, null, null, null, "hi", null, null, null, "10s", null,
                            null)
                        .checked()))
        .isEqualTo("visitorIdle");
    assertThat(fieldOf(() -> site(null, new SiteDoc.Bot("gpt", null, null)).checked()))
        .isEqualTo("bot.kind");
    assertThat(
            fieldOf(
                () ->
                    site(
                            null,
                            new SiteDoc.Bot(
                                "llm",
                                new SiteDoc.Llm(
                                    "file:///etc/passwd", null, null, null, null, null, null),
                                null))
                        .checked()))
        .isEqualTo("bot.llm.baseUrl");
    assertThat(
            fieldOf(
                () ->
                    site(
                            null,
                            new SiteDoc.Bot(
                                "llm",
                                new SiteDoc.Llm(null, null, null, null, 3.0, null, null),
                                null))
                        .checked()))
        .isEqualTo("bot.llm.temperature");
    assertThat(
            fieldOf(
                () ->
                    site(
                            null,
                            new SiteDoc.Bot(
                                "webhook",
                                null,
                                new SiteDoc.Webhook("https://bot.example", "too-short")))
                        .checked()))
        .isEqualTo("bot.webhook.secret");
    assertThat(
            fieldOf(
                () ->
                    new SiteDoc(
                            "acme",
                            "line\nbreak",
                            null,
                            null,
                            null,
                            "hi",
                            null,
                            null,
                            null,
                            null,
                            null,
                            null)
                        .checked()))
        .isEqualTo("name");
  }

  @Test
  void aSitesBotBecomesItsSettingsAndADisabledSiteIsNone() {
    SiteDoc d =
        site(
                List.of("*"),
                new SiteDoc.Bot(
                    "llm",
                    new SiteDoc.Llm(
                        "https://llm.example/v1", "m1", "sk-1", "Be kind.", 0.2, 300, true),
                    null))
            .checked();
    BotSettings b = d.toSite().bot();
    assertThat(b.kind()).isEqualTo(BotSettings.Kind.LLM);
    assertThat(b.llm().model()).isEqualTo("m1");
    assertThat(b.llm().apiKey()).isEqualTo("sk-1");
    assertThat(b.llm().toString()).doesNotContain("sk-1");
    assertThat(b.llm().imageInputs()).isTrue();
    assertThat(SiteDoc.of(d.toSite()).bot().llm().imageInputs())
        .as("imageInputs round-trips")
        .isTrue();
    assertThat(
            new SiteDoc("acme", null, null, null, null, "hi", null, null, null, null, null, true)
                .checked()
                .toSite())
        .isNull();
  }

  @Test
  void aSiteRoundTripsThroughItsDocument() {
    Site demo = Site.demo();
    assertThat(SiteDoc.of(demo).checked().toSite()).isEqualTo(demo);
  }

  @Test
  void anAgentIsCheckedAgainstTheSitesThatExist() {
    AgentDoc ok =
        new AgentDoc("ana", null, List.of("acme"), null, null, null, "pbkdf2-sha256$x")
            .checked(Set.of("acme"));
    assertThat(ok.name()).isEqualTo("ana");
    assertThat(ok.capacity()).isEqualTo(3);
    assertThat(ok.role()).isEqualTo("agent");
    assertThat(ok.toAgent().admin()).isFalse();
    assertThat(
            fieldOf(
                () ->
                    new AgentDoc("ana", null, List.of("acme", "ghost"), null, null, null, null)
                        .checked(Set.of("acme"))))
        .isEqualTo("sites[1]");
    assertThat(
            fieldOf(
                () ->
                    new AgentDoc("ana", null, List.of(), null, null, null, null)
                        .checked(Set.of("acme"))))
        .isEqualTo("sites");
    assertThat(
            fieldOf(
                () ->
                    new AgentDoc("ana", null, List.of("acme"), 5000, null, null, null)
                        .checked(Set.of("acme"))))
        .isEqualTo("capacity");
    assertThat(
            fieldOf(
                () ->
                    new AgentDoc("ana", null, List.of("acme"), null, "root", null, null)
                        .checked(Set.of("acme"))))
        .isEqualTo("role");
    assertThat(
            fieldOf(
                () ->
                    new AgentDoc("a/b", null, List.of("acme"), null, null, null, null)
                        .checked(Set.of("acme"))))
        .isEqualTo("user");
    assertThat(
            new AgentDoc("ana", null, List.of("acme"), null, null, true, "h")
                .checked(Set.of("acme"))
                .toAgent())
        .as("disabled")
        .isNull();
  }
}
