package dev.parley.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the builder refuses, one wrong value at a time, with the message that names the setting; and
 * the limits themselves, which it accepts. Without agents, so the demo guard ({@link
 * DemoGuardTest}) stays out of the way.
 */
@Timeout(60)
class ServerConfigBuilderTest {
  static final String KEY_32 = base64(32);

  static String base64(int bytes) {
    return Base64.getEncoder().encodeToString(new byte[bytes]);
  }

  /** A case: what the parameterised test names it by, and the settings it changes. */
  static Arguments named(String name, UnaryOperator<ServerConfigBuilder> settings) {
    return Arguments.of(name, settings);
  }

  static List<Arguments> wrongValues() {
    String proxy = "trusted-proxies must list IP addresses, not 'proxy.example'";
    String upload = "knowledge-max-upload must be from 1 to 16777216 bytes (16 MiB), was ";
    return List.of(
        // Network and connections
        named(
            "admin-port must be at most 65535 (0: any free port, -1: none), was 65536",
            b -> b.adminPort(65_536)),
        named("port must be 0-65535, was 65536", b -> b.port(65_536)),
        named("port must be 0-65535, was -1", b -> b.port(-1)),
        named(proxy, b -> b.trustedProxies(List.of("10.0.0.1", "proxy.example"))),
        named("send-rate must be > 0 and send-burst >= 1", b -> b.sendRate(0)),
        named("send-rate must be > 0 and send-burst >= 1", b -> b.sendBurst(0)),
        named("hello-rate must be > 0 and hello-burst >= 1", b -> b.helloRate(0)),
        named("hello-rate must be > 0 and hello-burst >= 1", b -> b.helloBurst(0)),
        named(
            "new-conversation-burst must be >= 1 and new-conversation-every at least 1ms",
            b -> b.newConversationBurst(0)),
        named(
            "new-conversation-burst must be >= 1 and new-conversation-every at least 1ms",
            b -> b.newConversationEvery(Duration.ZERO)),
        // Storage and cluster
        named(
            "broker redis (a cluster) needs store postgres: SQLite is one node's file",
            b -> b.broker(BrokerKind.REDIS)),
        named(
            "token-secret is required with broker redis: every node must sign visitor tokens with "
                + "the same key",
            b -> b.store(StoreKind.POSTGRES).broker(BrokerKind.REDIS)),
        named("secrets-key is not base64", b -> b.secretsKey("not base64!")),
        named("secrets-key must decode to 32 bytes, has 16", b -> b.secretsKey(base64(16))),
        named("token-secret is not base64", b -> b.tokenSecret("not base64!")),
        named(
            "token-secret must decode to at least 32 bytes, has 31",
            b -> b.tokenSecret(base64(31))),
        named(
            "pg-schema must be a lower-case SQL identifier, was 'Parley'",
            b -> b.postgresSchema("Parley")),
        named(
            "store-commit-delay must be 0-100ms, was 101ms",
            b -> b.storeCommitDelay(Duration.ofMillis(101))),
        named(
            "store-commit-delay must be 0-100ms, was -1ms",
            b -> b.storeCommitDelay(Duration.ofMillis(-1))),
        named(
            "store-max-queue-delay must be 0ms or 10ms-60s, was 9ms",
            b -> b.storeMaxQueueDelay(Duration.ofMillis(9))),
        named(
            "store-max-queue-delay must be 0ms or 10ms-60s, was 61s",
            b -> b.storeMaxQueueDelay(Duration.ofSeconds(61))),
        // Sites, agents and tokens
        named("agent-token-lifetime must be positive", b -> b.agentTokenLifetime(Duration.ZERO)),
        // Bots, event webhooks and mail
        named("event-queue must be from 1 to 1000000", b -> b.eventQueue(0)),
        named("event-queue must be from 1 to 1000000", b -> b.eventQueue(1_000_001)),
        named("event-attempts must be from 1 to 100", b -> b.eventAttempts(0)),
        named("event-attempts must be from 1 to 100", b -> b.eventAttempts(101)),
        named(
            "event-retry-base must be from 100ms to 1h",
            b -> b.eventRetryBase(Duration.ofMillis(99))),
        named(
            "event-retry-base must be from 100ms to 1h",
            b -> b.eventRetryBase(Duration.ofHours(1).plusMillis(1))),
        named("event-log-keep must be at least 1h", b -> b.eventLogKeep(Duration.ofMinutes(59))),
        named(
            "bot webhook needs webhook-url and a webhook-secret of at least 16 characters",
            b -> b.bot(BotKind.WEBHOOK)),
        named(
            "bot webhook needs webhook-url and a webhook-secret of at least 16 characters",
            b -> b.bot(BotKind.WEBHOOK).webhookSecret("0123456789abcdef")),
        named(
            "bot webhook needs webhook-url and a webhook-secret of at least 16 characters",
            b -> b.bot("webhook").webhookUrl("https://bot.example/hook").webhookSecret("short")),
        named(upload + 0, b -> b.knowledgeMaxUpload(0)),
        named(upload + 16_777_217, b -> b.knowledgeMaxUpload(16 * 1024 * 1024 + 1)),
        named("knowledge-max-documents must be at least 1, was 0", b -> b.knowledgeMaxDocuments(0)),
        named("smtp-port must be from 1 to 65535", b -> b.smtp(s -> s.withPort(0))),
        named("smtp-password needs smtp-username", b -> b.smtp(s -> s.withPassword("pw"))));
  }

  static List<Arguments> limits() {
    return List.of(
        named("admin-port 65535", b -> b.adminPort(65_535)),
        named("admin-port -1 (none)", b -> b.adminPort(-1)),
        named("port 0", b -> b.port(0)),
        named("port 65535", b -> b.port(65_535)),
        named("trusted-proxies IPv4 and IPv6", b -> b.trustedProxies(List.of("10.0.0.1", "::1"))),
        named("a cluster", b -> b.store(StoreKind.POSTGRES).broker("redis").tokenSecret(KEY_32)),
        named("secrets-key of 32 bytes", b -> b.secretsKey(" " + KEY_32 + "\n")),
        named("store-commit-delay 0", b -> b.storeCommitDelay(Duration.ZERO)),
        named("store-commit-delay 100ms", b -> b.storeCommitDelay(Duration.ofMillis(100))),
        named("store-max-queue-delay 0", b -> b.storeMaxQueueDelay(Duration.ZERO)),
        named("store-max-queue-delay 10ms", b -> b.storeMaxQueueDelay(Duration.ofMillis(10))),
        named("store-max-queue-delay 60s", b -> b.storeMaxQueueDelay(Duration.ofSeconds(60))),
        named("event-queue 1000000", b -> b.eventQueue(1_000_000)),
        named("event-attempts 1", b -> b.eventAttempts(1)),
        named("event-attempts 100", b -> b.eventAttempts(100)),
        named("event-retry-base 100ms", b -> b.eventRetryBase(Duration.ofMillis(100))),
        named("event-retry-base 1h", b -> b.eventRetryBase(Duration.ofHours(1))),
        named("event-log-keep 1h", b -> b.eventLogKeep(Duration.ofHours(1))),
        named(
            "bot webhook",
            b ->
                b.bot(BotKind.WEBHOOK)
                    .webhookUrl("https://bot.example/hook")
                    .webhookSecret("0123456789abcdef")),
        named("knowledge-max-upload 16 MiB", b -> b.knowledgeMaxUpload(16 * 1024 * 1024)),
        named("knowledge-max-documents 1", b -> b.knowledgeMaxDocuments(1)),
        named("tls", b -> b.tls(Path.of("c.pem"), Path.of("k.pem"))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("wrongValues")
  void aWrongValueIsRefusedWithAMessageNamingItsSetting(
      String message, UnaryOperator<ServerConfigBuilder> settings) {
    assertThatThrownBy(() -> settings.apply(ServerConfig.newBuilder().agents(List.of())).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("limits")
  void theLimitsThemselvesAreAccepted(String limit, UnaryOperator<ServerConfigBuilder> settings) {
    assertThatCode(() -> settings.apply(ServerConfig.newBuilder().agents(List.of())).build())
        .doesNotThrowAnyException();
  }

  @Test
  void theDemoAgentsPasswordIsAskedForOnlyOnceEveryValueIsChecked() {
    List<String> asked = new ArrayList<>();
    assertThatThrownBy(
            () ->
                ServerConfig.newBuilder()
                    .knowledgeMaxUpload(0)
                    .demoAgentPassword(
                        () -> {
                          asked.add("password");
                          return "a-long-random-pw";
                        })
                    .build())
        .hasMessageStartingWith("knowledge-max-upload must be");
    assertThat(asked).as("made and kept in the data directory when asked").isEmpty();
    ServerConfig c = ServerConfig.newBuilder().demoAgentPassword(() -> "a-long-random-pw").build();
    assertThat(c.access().agentPasswords()).containsEntry("maya", "a-long-random-pw");
  }
}
