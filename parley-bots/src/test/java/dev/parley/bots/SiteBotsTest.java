package dev.parley.bots;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.AttachmentReader;
import dev.parley.chat.Bot;
import dev.parley.chat.BotSettings;
import dev.parley.chat.BusinessHours;
import dev.parley.chat.FileLinker;
import dev.parley.chat.InMemoryFileRecords;
import dev.parley.chat.InMemoryFileStore;
import dev.parley.chat.Site;
import dev.parley.chat.StoredFile;
import dev.parley.core.ManualClock;
import dev.parley.protocol.MessageMeta;
import dev.parley.protocol.openai.ChatCompletions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Each site's bot answers from that site's knowledge, whatever its kind. */
@Timeout(30)
class SiteBotsTest {
  final ManualClock clock = new ManualClock();
  FakeLlmServer llm;
  SiteBots bots;

  static Knowledge only(String title, String body) {
    return (q, c, n) ->
        List.of(
            new Knowledge.Hit(
                new Knowledge.Passage(title, body, title + " doc", title + ".md"), 1));
  }

  static Site site(String id, BotSettings.Kind kind) {
    return new Site(
            id,
            id,
            List.of(),
            "Hi",
            "Bot",
            0.5,
            BusinessHours.always(),
            true,
            null,
            Site.DEFAULT_VISITOR_IDLE)
        .withBot(new BotSettings(kind, null, null));
  }

  @BeforeEach
  void start() throws Exception {
    llm = new FakeLlmServer();
    Map<String, Knowledge> bySite =
        Map.of(
            "acme", only("Kettles", "Acme sells kettles."),
            "globex", only("Teapots", "Globex sells teapots."));
    bots =
        new SiteBots(
            BotSettings.Kind.KB,
            new LlmBot.Config(
                llm.baseUrl(),
                "m",
                null,
                Duration.ofSeconds(10),
                Duration.ofSeconds(10),
                Duration.ofMinutes(5),
                3),
            null,
            bySite::get,
            Duration.ZERO,
            clock,
            FileLinker.NONE);
  }

  @AfterEach
  void stop() {
    bots.close();
    llm.close();
  }

  String answer(Site s) throws Exception {
    return answer(bots, s, List.of());
  }

  static String answer(SiteBots bots, Site s, List<MessageMeta.Attachment> files) throws Exception {
    List<String> pieces = new CopyOnWriteArrayList<>();
    bots.apply(s)
        .answer(
            new Bot.Question(s, "c", "What do you sell?", List.of(), null, files),
            new Bot.AnswerSink() {
              @Override
              public boolean delta(String text) {
                pieces.add(text);
                return true;
              }

              @Override
              public boolean cancelled() {
                return false;
              }

              @Override
              public void cite(MessageMeta meta) {}
            });
    return String.join("", pieces);
  }

  @Test
  void theKnowledgeBaseBotAnswersFromItsSitesKnowledge() throws Exception {
    assertThat(answer(site("acme", BotSettings.Kind.KB))).isEqualTo("Acme sells kettles.");
    assertThat(answer(site("globex", BotSettings.Kind.KB))).isEqualTo("Globex sells teapots.");
  }

  @Test
  void theLlmBotPutsItsOwnSitesPassagesInThePromptNotTheDeploymentsDocs() throws Exception {
    answer(site("acme", BotSettings.Kind.LLM));
    answer(site("globex", BotSettings.Kind.LLM));
    String acme = ChatCompletions.messagesOf(llm.bodies.get(0)).getFirst().content();
    String globex = ChatCompletions.messagesOf(llm.bodies.get(1)).getFirst().content();
    assertThat(acme).contains("Acme sells kettles.").doesNotContain("teapots", "Parley");
    assertThat(globex).contains("Globex sells teapots.").doesNotContain("kettles");
  }

  @Test
  void aSitesImageInputsOverrideTheDeploymentsAndLeftOutTakeThem() throws Exception {
    InMemoryFileStore bytes = new InMemoryFileStore();
    InMemoryFileRecords records = new InMemoryFileRecords();
    String id = "f_0123456789abcdefghijkl";
    bytes.put(id, new byte[] {(byte) 0x89, 'P', 'N', 'G'});
    records
        .insert(
            new StoredFile(id, "acme", "c", "v", "k", "a.png", "image/png", 4, "00", 1, 1, null, 1))
        .get();
    List<MessageMeta.Attachment> png =
        List.of(new MessageMeta.Attachment(id, "a.png", "image/png", 4, 1, 1, false));
    try (SiteBots seeing =
        new SiteBots(
            BotSettings.Kind.KB,
            new LlmBot.Config(
                    llm.baseUrl(),
                    "m",
                    null,
                    Duration.ofSeconds(10),
                    Duration.ofSeconds(10),
                    Duration.ofMinutes(5),
                    3)
                .withImageInputs(true),
            null,
            site -> only("Kettles", "Acme sells kettles."),
            Duration.ZERO,
            clock,
            FileLinker.NONE,
            AttachmentReader.over(bytes, records))) {
      answer(seeing, site("acme", BotSettings.Kind.LLM), png);
      Site off =
          site("acme", BotSettings.Kind.LLM)
              .withBot(
                  new BotSettings(
                      BotSettings.Kind.LLM,
                      new BotSettings.Llm(null, null, null, null, null, null, false),
                      null));
      answer(seeing, off, png);
    }
    assertThat(ChatCompletions.messagesOf(llm.bodies.get(0)).getLast().images())
        .as("no site setting: the deployment's (on)")
        .hasSize(1);
    assertThat(ChatCompletions.messagesOf(llm.bodies.get(1)).getLast().images())
        .as("the site's off")
        .isEmpty();
  }

  @Test
  void aWebhookBotsAnswersAreSignedWithItsSitesSecretElseTheDeployments() {
    WebhookBot.Config deployment =
        new WebhookBot.Config(
            "http://127.0.0.1:9/hook",
            "the-deployments-secret",
            1,
            Duration.ofMillis(1),
            Duration.ofSeconds(1));
    try (SiteBots webhookByDefault =
        new SiteBots(
            BotSettings.Kind.WEBHOOK,
            null,
            deployment,
            site -> only("Kettles", "Acme sells kettles."),
            Duration.ZERO,
            clock,
            FileLinker.NONE)) {
      Site plain = site("acme", BotSettings.Kind.KB).withBot(null);
      assertThat(webhookByDefault.webhookSecret(plain))
          .as("no settings of its own: the deployment's webhook bot")
          .isEqualTo("the-deployments-secret");
      Site own =
          plain.withBot(
              new BotSettings(
                  BotSettings.Kind.WEBHOOK,
                  null,
                  new BotSettings.Webhook("http://127.0.0.1:9/own", "the-sites-own-secret")));
      assertThat(webhookByDefault.webhookSecret(own)).isEqualTo("the-sites-own-secret");
      assertThat(webhookByDefault.webhookSecret(site("acme", BotSettings.Kind.LLM)))
          .as("a site whose bot is the LLM: no webhook answers there")
          .isNull();
    }
    try (SiteBots noDeploymentWebhook =
        new SiteBots(
            BotSettings.Kind.KB,
            null,
            null,
            site -> only("Kettles", "Acme sells kettles."),
            Duration.ZERO,
            clock,
            FileLinker.NONE)) {
      Site secretOnly =
          site("acme", BotSettings.Kind.KB)
              .withBot(
                  new BotSettings(
                      BotSettings.Kind.WEBHOOK,
                      null,
                      new BotSettings.Webhook(null, "a-secret-without-a-url")));
      assertThat(noDeploymentWebhook.webhookSecret(secretOnly))
          .as("a webhook bot without a URL does not run, so nothing answers as it")
          .isNull();
    }
  }
}
