package dev.parley.edge.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.Agent;
import dev.parley.chat.BotSettings;
import dev.parley.chat.ConfigStore;
import dev.parley.chat.Site;
import dev.parley.edge.Passwords;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Changing the configuration: secrets stay write-only and sealed, every change is audited and in
 * force on the node at once, versions guard against lost updates, and importing a sites file twice
 * changes nothing.
 */
@Timeout(30)
class ConfigurationTest extends ConfigurationFixture {

  static SiteDoc acme(String identitySecret, SiteDoc.Bot bot) {
    return new SiteDoc(
            "acme",
            "Acme",
            List.of("https://acme.example"),
            null,
            identitySecret,
            "Welcome to Acme",
            null,
            null,
            null,
            null,
            bot,
            null)
        .checked();
  }

  static SiteDoc.Bot llm(String apiKey) {
    return new SiteDoc.Bot(
        "llm",
        new SiteDoc.Llm("https://llm.example/v1", "m1", apiKey, null, null, null, null),
        null);
  }

  <T> Configuration.Stored<T> done(Configuration.Outcome<T> o) {
    assertThat(o).isInstanceOf(Configuration.Outcome.Done.class);
    return ((Configuration.Outcome.Done<T>) o).stored();
  }

  @Test
  void aCreatedSiteIsInForceAtOnceWithItsSecretsSealedAtRest() {
    String identity = "i".repeat(32);
    done(config.putSite("root", acme(identity, llm("sk-secret")), 0L).join());
    sync.reload().join();
    Site s = directory.site("acme");
    assertThat(s.greeting()).isEqualTo("Welcome to Acme");
    assertThat(s.identitySecret()).isEqualTo(identity);
    assertThat(s.bot().llm().apiKey()).isEqualTo("sk-secret");
    String stored = store.find(ConfigStore.Kind.SITE, "acme").join().orElseThrow().body();
    assertThat(stored).doesNotContain("sk-secret").doesNotContain(identity).contains("enc:v1:");
  }

  @Test
  void aSecretLeftOutIsKeptAnEmptyOneIsCleared() {
    done(config.putSite("root", acme("i".repeat(32), llm("sk-secret")), 0L).join());
    done(config.putSite("root", acme(null, llm(null)), null).join());
    sync.reload().join();
    assertThat(directory.site("acme").bot().llm().apiKey()).isEqualTo("sk-secret");
    assertThat(directory.site("acme").identitySecret()).isEqualTo("i".repeat(32));
    done(config.putSite("root", acme("", llm("")), null).join());
    sync.reload().join();
    assertThat(directory.site("acme").bot().llm().apiKey()).isNull();
    assertThat(directory.site("acme").identitySecret()).isNull();
  }

  @Test
  void aChangeOverAnOldVersionIsAConflictAndNothingIsLost() {
    long v1 = done(config.putSite("root", acme(null, null), 0L).join()).version();
    assertThat(config.putSite("root", acme(null, null), 0L).join())
        .as("exists")
        .isInstanceOf(Configuration.Outcome.Conflict.class);
    done(config.putSite("ann", acme(null, null), v1).join());
    Configuration.Outcome<SiteDoc> stale = config.putSite("bob", acme(null, null), v1).join();
    assertThat(stale).isInstanceOf(Configuration.Outcome.Conflict.class);
    assertThat(((Configuration.Outcome.Conflict<SiteDoc>) stale).current()).isGreaterThan(v1);
    assertThat(
            config
                .putSite(
                    "root",
                    new SiteDoc(
                            "nope", null, null, null, null, "hi", null, null, null, null, null,
                            null)
                        .checked(),
                    null)
                .join())
        .isInstanceOf(Configuration.Outcome.Missing.class);
  }

  @Test
  void everyChangeIsAuditedWithWhatChangedNeverASecret() {
    done(config.putSite("root", acme(null, null), 0L).join());
    SiteDoc changed =
        new SiteDoc(
                "acme",
                "Acme Inc.",
                List.of("https://acme.example"),
                null,
                "s".repeat(32),
                "Welcome to Acme",
                null,
                null,
                null,
                null,
                null,
                null)
            .checked();
    done(config.putSite("ann", changed, null).join());
    List<ConfigStore.Audit> log = config.audit(10, Long.MAX_VALUE).join();
    assertThat(log).extracting(ConfigStore.Audit::actor).containsExactly("ann", "root");
    assertThat(log.get(0).action()).isEqualTo("update");
    assertThat(log.get(0).detail()).isEqualTo("changed identitySecret, name").doesNotContain("sss");
    assertThat(log.get(1).action()).isEqualTo("create");
  }

  @Test
  void anAgentNeedsAPasswordAndANewOneIsAuditedAsSuch() {
    done(config.putSite("root", acme(null, null), 0L).join());
    AgentDoc ana =
        new AgentDoc("ana", "Ana", List.of("acme"), 2, "agent", null, null).checked(Set.of("acme"));
    assertThat(config.putAgent("root", ana, null, 0L)).failsWithin(Duration.ofSeconds(5));
    assertThat(config.putAgent("root", ana, "short", 0L)).failsWithin(Duration.ofSeconds(5));
    done(config.putAgent("root", ana, "a-long-enough-password", 0L).join());
    done(config.putAgent("root", ana, "another-long-password", null).join());
    sync.reload().join();
    Agent a = directory.agent("ana");
    assertThat(Passwords.verify("another-long-password", a.passwordHash())).isTrue();
    assertThat(config.audit(1, Long.MAX_VALUE).join().get(0).action()).isEqualTo("password");
    assertThat(config.audit(1, Long.MAX_VALUE).join().get(0).detail())
        .isEqualTo("changed password");
  }

  @Test
  void importingTheSameFileTwiceChangesNothing() {
    SiteDoc demo = SiteDoc.of(Site.demo()).checked();
    AgentDoc maya =
        AgentDoc.of(
            new Agent("maya", "Maya", Set.of("demo"), 3, Passwords.hash("demo-password-1"), true));
    assertThat(
            config
                .importFile(
                    List.of(demo),
                    List.of(new Configuration.ImportedAgent(maya, "demo-password-1")))
                .join())
        .isEqualTo(2);
    // The next start hashes the same password with a new salt: still the same agent.
    AgentDoc rehashed =
        AgentDoc.of(
            new Agent("maya", "Maya", Set.of("demo"), 3, Passwords.hash("demo-password-1"), true));
    assertThat(
            config
                .importFile(
                    List.of(demo),
                    List.of(new Configuration.ImportedAgent(rehashed, "demo-password-1")))
                .join())
        .isZero();
    long before = store.version().join();
    AgentDoc changedPassword =
        AgentDoc.of(
            new Agent("maya", "Maya", Set.of("demo"), 3, Passwords.hash("demo-password-2"), true));
    assertThat(
            config
                .importFile(
                    List.of(demo),
                    List.of(new Configuration.ImportedAgent(changedPassword, "demo-password-2")))
                .join())
        .isEqualTo(1);
    assertThat(store.version().join()).isEqualTo(before + 1);
  }

  @Test
  void anImportKeepsTheBotTheAdminApiGaveASiteTheFileGivesNoneAndAppliesWhatTheFileChanged() {
    SiteDoc fromFile = acme("i".repeat(32), null);
    assertThat(config.importFile(List.of(fromFile), List.of()).join()).isEqualTo(1);
    long version = store.find(ConfigStore.Kind.SITE, "acme").join().orElseThrow().version();
    done(config.putSite("root", acme("i".repeat(32), llm("sk-secret")), version).join());

    assertThat(config.importFile(List.of(fromFile), List.of()).join())
        .as("the next start: the file says nothing of a bot")
        .isZero();
    SiteDoc renamed =
        new SiteDoc(
                "acme",
                "Acme Inc.",
                List.of("https://acme.example"),
                null,
                "i".repeat(32),
                "Welcome to Acme",
                null,
                null,
                null,
                null,
                null,
                null)
            .checked();
    assertThat(config.importFile(List.of(renamed), List.of()).join()).isEqualTo(1);
    Site site = directory.site("acme");
    assertThat(site.name()).isEqualTo("Acme Inc.");
    assertThat(site.bot().kind()).as("the admin API's bot is kept").isEqualTo(BotSettings.Kind.LLM);
    assertThat(site.bot().llm().apiKey()).isEqualTo("sk-secret");
  }
}
