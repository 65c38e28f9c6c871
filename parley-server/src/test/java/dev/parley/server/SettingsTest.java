package dev.parley.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.ChatConfig;
import dev.parley.core.NodeConfig;
import dev.parley.edge.JwtVerifier;
import dev.parley.store.jdbc.SqliteMessageStore;
import dev.parley.transport.TransportConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The settings table drives the flags, the environment, the config file and the builder's defaults.
 */
@Timeout(60)
class SettingsTest {
  @TempDir Path dir;

  /** A value {@code s} accepts that is not its default, as text. */
  static String sample(Setting<?> s) {
    if (s.equals(Settings.LOG_FORMAT)) {
      return "text"; // json would switch this JVM's logging (Main sets Logback's configuration
      // file)
    }
    if (s.type().equals(ValueType.BOOLEAN)) {
      return String.valueOf(!Boolean.TRUE.equals(s.defaultValue()));
    }
    if (s.type().equals(ValueType.INT)) {
      return "4321";
    }
    if (s.type().equals(ValueType.NUMBER)) {
      return "2.5";
    }
    if (s.type().equals(ValueType.DURATION)) {
      return "7s";
    }
    if (s.type().equals(ValueType.STRINGS)) {
      return "10.0.0.7";
    }
    if (s.type().equals(ValueType.URL)) {
      return "https://idp.example/jwks";
    }
    if (s.type().type().isEnum()) {
      Object[] choices = s.type().type().getEnumConstants();
      return ((Choice) choices[choices.length - 1]).key();
    }
    return "sample-" + s.key();
  }

  @Test
  void everySettingIsAFlagOfRunAVariableOfTheEnvironmentAndAKeyOfTheConfigFile() throws Exception {
    Cli.Outcome help = Cli.run(Map.of(), "run", "--help");
    Map<String, String> env = new HashMap<>();
    StringBuilder file = new StringBuilder();
    List<String> flags = new ArrayList<>(List.of("config", "--print"));
    for (Setting<?> s : Settings.ALL) {
      assertThat(help.out()).as("run --help").contains(s.flag()).contains(s.envName());
      if (!s.equals(Settings.CONFIG)) {
        env.put(s.envName(), sample(s));
        file.append(s.key()).append(" = ").append(sample(s)).append('\n');
        flags.add(s.label() == null ? s.flag() : s.flag() + "=" + sample(s));
      }
    }
    Path properties = Files.writeString(dir.resolve("all.properties"), file);
    Cli.Outcome fromEnv = Cli.run(env, "config", "--print");
    Cli.Outcome fromFile =
        Cli.run(Map.of(), "config", "--print", "--config", properties.toString());
    Cli.Outcome fromFlags = Cli.run(Map.of(), flags.toArray(String[]::new));
    assertThat(List.of(fromEnv, fromFile, fromFlags)).allMatch(o -> o.code() == 0, "all accepted");
    for (Setting<?> s : Settings.ALL) {
      if (s.equals(Settings.CONFIG)) {
        assertThat(fromFile.line(s.key())).contains(properties.toString()).endsWith("# flag");
        continue;
      }
      assertThat(fromEnv.line(s.key())).endsWith("# env " + s.envName());
      assertThat(fromFile.line(s.key())).endsWith("# file " + properties);
      assertThat(fromFlags.line(s.key())).endsWith("# flag");
      if (!s.secret()) {
        assertThat(fromEnv.line(s.key())).contains(sample(s));
        assertThat(fromFile.line(s.key())).contains(sample(s));
        assertThat(fromFlags.line(s.key())).contains(sample(s));
      }
    }
  }

  @Test
  void defaultsAreTheOwningModulesAndTheBuilderStartsFromThem() {
    TransportConfig transport = TransportConfig.newBuilder().build();
    assertThat(NetworkSettings.PORT.defaultValue()).isEqualTo(transport.port());
    assertThat(NetworkSettings.PING_INTERVAL.defaultValue()).isEqualTo(transport.pingInterval());
    assertThat(NetworkSettings.MAX_CONNECTIONS_PER_IP.defaultValue())
        .isEqualTo(transport.maxConnectionsPerIp());
    assertThat(NetworkSettings.SEND_RATE.defaultValue())
        .isEqualTo(NodeConfig.defaults().sendRate());
    assertThat(StorageSettings.STORE_COMMIT_DELAY.defaultValue())
        .isEqualTo(SqliteMessageStore.Options.DEFAULT_COMMIT_DELAY);
    assertThat(AccessSettings.AGENT_OFFLINE_GRACE.defaultValue())
        .isEqualTo(ChatConfig.defaults().agentOfflineGrace());
    assertThat(AccessSettings.JWT_CLOCK_SKEW.defaultValue())
        .isEqualTo(JwtVerifier.Settings.none().clockSkew());

    ServerConfig c = ServerConfig.newBuilder().agents(List.of()).build();
    assertThat(c.network().port()).isEqualTo(NetworkSettings.PORT.defaultValue());
    assertThat(c.network().pongTimeout()).isEqualTo(NetworkSettings.PONG_TIMEOUT.defaultValue());
    assertThat(c.network().sendBurst()).isEqualTo(NetworkSettings.SEND_BURST.defaultValue());
    assertThat(c.storage().dataDir()).isEqualTo(StorageSettings.DATA_DIR.defaultValue());
    assertThat(c.storage().store()).isEqualTo(StorageSettings.STORE.defaultText());
    assertThat(c.storage().broker()).isEqualTo(StorageSettings.BROKER.defaultText());
    assertThat(c.integration().bot()).isEqualTo(IntegrationSettings.BOT.defaultText());
    assertThat(c.integration().llm().baseUrl())
        .isEqualTo(IntegrationSettings.LLM_URL.defaultValue());
    assertThat(c.integration().llm().totalTimeout())
        .isEqualTo(IntegrationSettings.LLM_TIMEOUT.defaultValue());
    assertThat(c.access().jwt().jwksCacheTtl())
        .isEqualTo(AccessSettings.JWT_JWKS_CACHE_TTL.defaultValue());
    assertThat(c.network().maxTextChars()).isEqualTo(NodeConfig.defaults().maxTextChars());
  }

  @Test
  void everyDefaultWrittenBackReadsAsItself() {
    for (Setting<?> s : Settings.ALL) {
      if (s.type().equals(ValueType.DURATION) && s.defaultValue() != null) {
        assertThat(ValueType.duration(s.defaultText())).as(s.key()).isEqualTo(s.defaultValue());
      }
    }
    assertThat(ValueType.duration(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(ValueType.duration(Duration.ofMinutes(90))).isEqualTo("90m");
  }

  @Test
  void aBackendThatIsNotOneOfItsChoicesIsRefusedListingThem() {
    Cli.Outcome store = Cli.run(Map.of(), "config", "--print", "--store=mongo");
    assertThat(store.code()).isNotZero();
    assertThat(store.err())
        .contains("--store")
        .contains("store must be sqlite or postgres, was 'mongo'");
    Cli.Outcome broker = Cli.run(Map.of("PARLEY_BROKER", "kafka"), "config", "--print");
    assertThat(broker.err()).contains("broker must be memory or redis, was 'kafka'");
    Cli.Outcome bot = Cli.run(Map.of(), "run", "--bot", "gpt", "--data-dir", dir.toString());
    assertThat(bot.code()).isNotZero();
    assertThat(bot.err()).contains("bot must be kb, llm or webhook, was 'gpt'");
    Cli.Outcome log = Cli.run(Map.of("PARLEY_LOG_FORMAT", "xml"), "run");
    assertThat(log.code()).isEqualTo(2);
    assertThat(log.err()).contains("log-format must be text or json, was 'xml'");
    assertThatThrownBy(() -> ServerConfig.newBuilder().store("mongo"))
        .hasMessage("store must be sqlite or postgres, was 'mongo'");
    assertThat(Cli.run(Map.of(), "config", "--print", "--store=POSTGRES").line("store"))
        .contains("postgres");
  }

  @Test
  void theConfigFileCannotNameAnotherConfigFileOrAnUnknownKey() throws Exception {
    Path file = dir.resolve("nested.properties");
    Files.writeString(file, "config = other.properties\nprot = 1\n");
    Cli.Outcome o = Cli.run(Map.of(), "config", "--print", "--config", file.toString());
    assertThat(o.code()).isNotZero();
    assertThat(o.err()).contains("unknown keys config, prot");
  }
}
