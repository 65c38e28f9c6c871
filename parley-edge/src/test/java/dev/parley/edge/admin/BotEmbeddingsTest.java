package dev.parley.edge.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.BotSettings;
import dev.parley.chat.ConfigStore;
import dev.parley.protocol.http.Json;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A site's embeddings endpoint ({@code bot.embeddings}): every field checked with an error naming
 * it, unknown fields refused, its API key write-only and sealed at rest like the LLM's.
 */
@Timeout(30)
class BotEmbeddingsTest extends ConfigurationFixture {

  static SiteDoc.Bot bot(String baseUrl, String model, String apiKey) {
    return new SiteDoc.Bot("kb", null, null, new SiteDoc.Embeddings(baseUrl, model, apiKey));
  }

  static String fieldOf(SiteDoc.Bot b) {
    return SiteDocTest.fieldOf(() -> SiteDocTest.site(null, b).checked());
  }

  @Test
  void anEndpointBecomesTheSitesEmbeddingsSettings() {
    BotSettings s =
        SiteDocTest.site(null, bot("https://emb.example/v1/", "text-embedding-3-small", "sk-e"))
            .checked()
            .toSite()
            .bot();
    assertThat(s.kind()).isEqualTo(BotSettings.Kind.KB);
    assertThat(s.embeddings().baseUrl())
        .as("a trailing slash is dropped: requests go to <baseUrl>/embeddings")
        .isEqualTo("https://emb.example/v1");
    assertThat(s.embeddings().model()).isEqualTo("text-embedding-3-small");
    assertThat(s.embeddings().apiKey()).isEqualTo("sk-e");
    assertThat(s.embeddings().toString()).doesNotContain("sk-e");
    assertThat(s.embeddings().space()).isEqualTo("https://emb.example/v1 text-embedding-3-small");
    assertThat(SiteDocTest.site(null, bot("http://10.0.0.5:8080/v1", "m", "")).checked().toSite())
        .extracting(site -> site.bot().embeddings().apiKey())
        .as("an empty key is none")
        .isNull();
    assertThat(SiteDocTest.site(null, new SiteDoc.Bot("kb", null, null)).checked().toSite())
        .extracting(site -> site.bot().embeddings())
        .as("without an endpoint: words alone")
        .isNull();
  }

  @Test
  void everyFieldIsCheckedAndTheErrorNamesIt() {
    assertThat(fieldOf(bot("ftp://emb.example", "m", null))).isEqualTo("bot.embeddings.baseUrl");
    assertThat(fieldOf(bot("emb.example/v1", "m", null))).isEqualTo("bot.embeddings.baseUrl");
    assertThat(fieldOf(bot(null, "m", null))).isEqualTo("bot.embeddings.baseUrl");
    assertThat(fieldOf(bot("https://emb.example/v1", null, null)))
        .isEqualTo("bot.embeddings.model");
    assertThat(fieldOf(bot("https://emb.example/v1", " ", null))).isEqualTo("bot.embeddings.model");
    assertThat(fieldOf(bot("https://emb.example/v1", "m".repeat(BotCheck.MAX_MODEL + 1), null)))
        .as("the model's name is bounded")
        .isEqualTo("bot.embeddings.model");
    SiteDocTest.site(null, bot("https://emb.example/v1", "m".repeat(BotCheck.MAX_MODEL), null))
        .checked();
    assertThat(fieldOf(bot("https://emb.example/v1", "m\u0000", null)))
        .isEqualTo("bot.embeddings.model");
    assertThat(fieldOf(bot("https://emb.example/v1", "m", "k".repeat(1001))))
        .isEqualTo("bot.embeddings.apiKey");
  }

  @Test
  void theApiRefusesUnknownEmbeddingsFieldsNamingThem() {
    String body =
        """
        {"id": "acme", "greeting": "hi", "bot": {"kind": "kb", "embeddings": \
        {"baseUrl": "https://emb.example/v1", "model": "m", "dimensions": 256}}}""";
    try {
      Json.readStrict(body.getBytes(StandardCharsets.UTF_8), SiteDoc.class);
      throw new AssertionError("accepted an unknown field");
    } catch (Json.FieldError e) {
      assertThat(e.field()).isEqualTo("bot.embeddings.dimensions");
    }
  }

  @Test
  void theKeyIsSealedAtRestNeverShownKeptWhenLeftOutAndClearedWhenEmpty() {
    done(config.putSite("root", site(bot("https://emb.example/v1", "m", "sk-embed")), 0L).join());
    sync.reload().join();
    assertThat(directory.site("acme").bot().embeddings().apiKey()).isEqualTo("sk-embed");
    ConfigStore.Entry stored = store.find(ConfigStore.Kind.SITE, "acme").join().orElseThrow();
    assertThat(stored.body()).doesNotContain("sk-embed").contains("enc:v1:");

    Configuration.Stored<SiteDoc> read = config.site("acme").join().orElseThrow();
    String shown = new String(Json.write(AdminApi.siteView(read)), StandardCharsets.UTF_8);
    assertThat(shown).doesNotContain("sk-embed").doesNotContain("enc:v1:");
    assertThat(shown).contains("\"apiKeySet\":true").contains("\"model\":\"m\"");

    done(config.putSite("root", site(bot("https://emb.example/v1", "m2", null)), null).join());
    sync.reload().join();
    assertThat(directory.site("acme").bot().embeddings().apiKey())
        .as("left out: kept")
        .isEqualTo("sk-embed");
    assertThat(directory.site("acme").bot().embeddings().model()).isEqualTo("m2");

    done(config.putSite("root", site(bot("https://emb.example/v1", "m2", "")), null).join());
    sync.reload().join();
    assertThat(directory.site("acme").bot().embeddings().apiKey()).as("cleared").isNull();
  }

  static void done(Configuration.Outcome<SiteDoc> o) {
    assertThat(o).isInstanceOf(Configuration.Outcome.Done.class);
  }

  static SiteDoc site(SiteDoc.Bot bot) {
    return ConfigurationTest.acme(null, bot);
  }
}
