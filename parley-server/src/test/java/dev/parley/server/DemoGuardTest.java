package dev.parley.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.Agent;
import dev.parley.chat.Site;
import dev.parley.edge.Passwords;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Demo accounts, and the well-known demo password, only where no one else can reach them. */
class DemoGuardTest {
  static final String SECRET = Base64.getEncoder().encodeToString(new byte[32]);

  /** Made once: each hash is a deliberately slow PBKDF2 derivation. */
  static final SitesFile WELL_KNOWN = sitesWithAgent(ServerConfig.DEMO_AGENT_PASSWORD);

  static final SitesFile EXAMPLE = sitesWithAgent("change-me-before-production");
  static final SitesFile OWN = sitesWithAgent("ana-own-password");
  static final List<Agent> DEMO_AGENTS_OWN_PASSWORD = ServerConfig.demoAgents("a-long-random-pw");

  static SitesFile sitesWithAgent(String password) {
    return new SitesFile(
        List.of(Site.demo()),
        List.of(new Agent("ana", "Ana", Set.of("demo"), 3, Passwords.hash(password), true)),
        Map.of(),
        Map.of());
  }

  static List<Arguments> deployments() {
    return List.<Arguments>of(
        Arguments.of("--host 0.0.0.0", (UnaryOperator<ServerConfigBuilder>) b -> b.host("0.0.0.0")),
        Arguments.of(
            "--tls-cert",
            (UnaryOperator<ServerConfigBuilder>) b -> b.tls(Path.of("c.pem"), Path.of("k.pem"))),
        Arguments.of(
            "--store postgres",
            (UnaryOperator<ServerConfigBuilder>) b -> b.store(StoreKind.POSTGRES)),
        Arguments.of(
            "--broker redis",
            (UnaryOperator<ServerConfigBuilder>)
                b -> b.store(StoreKind.POSTGRES).broker(BrokerKind.REDIS).tokenSecret(SECRET)));
  }

  @Test
  void withoutSitesTheNodeListensOnLoopbackAndWithSitesOnEveryAddress() {
    assertThat(ServerConfig.newBuilder().build().network().host()).isEqualTo("127.0.0.1");
    assertThat(ServerConfig.newBuilder().sites(OWN).build().network().host()).isEqualTo("0.0.0.0");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("deployments")
  void theDemoAgentsAreRefusedInADeploymentSayingWhatToSet(
      String setting, UnaryOperator<ServerConfigBuilder> deploy) {
    assertThatThrownBy(() -> deploy.apply(ServerConfig.newBuilder()).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("demo agents maya and sam")
        .hasMessageContaining(setting)
        .hasMessageContaining("--sites FILE");
    assertThatThrownBy(
            () -> deploy.apply(ServerConfig.newBuilder()).agents(DEMO_AGENTS_OWN_PASSWORD).build())
        .as("whatever their password")
        .hasMessageContaining("demo agents maya and sam");
  }

  @Test
  void anAgentWithAWellKnownPasswordIsRefusedInADeployment() {
    assertThatThrownBy(
            () ->
                ServerConfig.newBuilder()
                    .tls(Path.of("c.pem"), Path.of("k.pem"))
                    .sites(WELL_KNOWN)
                    .build())
        .hasMessageContaining("agent ana")
        .hasMessageContaining("'parley-demo'")
        .hasMessageContaining("--tls-cert")
        .hasMessageContaining("parley hash-password");
    assertThatThrownBy(() -> ServerConfig.newBuilder().host("0.0.0.0").sites(EXAMPLE).build())
        .hasMessageContaining("agent ana")
        .hasMessageContaining("'change-me-before-production'");
    assertThatCode(() -> ServerConfig.newBuilder().host("0.0.0.0").sites(OWN).build())
        .doesNotThrowAnyException();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("deployments")
  void theDemoSiteWithoutAccountsMayRunAnywhere(
      String setting, UnaryOperator<ServerConfigBuilder> deploy) {
    assertThatCode(() -> deploy.apply(ServerConfig.newBuilder()).agents(List.of()).build())
        .doesNotThrowAnyException();
  }

  @Test
  void onLoopbackTheDemoAgentsKeepTheWellKnownPasswordForTests() {
    ServerConfig c = ServerConfig.newBuilder().host("127.0.0.1").build();
    assertThat(c.access().agents()).extracting(Agent::user).containsExactly("maya", "sam");
    assertThat(
            Passwords.verify(
                ServerConfig.DEMO_AGENT_PASSWORD, c.access().agents().get(0).passwordHash()))
        .isTrue();
    assertThatCode(() -> ServerConfig.newBuilder().host("::1").build()).doesNotThrowAnyException();
    assertThatCode(() -> ServerConfig.newBuilder().host("localhost").sites(WELL_KNOWN).build())
        .doesNotThrowAnyException();
  }

  @Test
  void loopbackMeansAnAddressOrNameOfThisMachineOnly() {
    assertThat(DemoGuard.isLoopback("127.0.0.1")).isTrue();
    assertThat(DemoGuard.isLoopback("127.8.9.10")).isTrue();
    assertThat(DemoGuard.isLoopback("::1")).isTrue();
    assertThat(DemoGuard.isLoopback("localhost")).isTrue();
    assertThat(DemoGuard.isLoopback("0.0.0.0")).isFalse();
    assertThat(DemoGuard.isLoopback("::")).isFalse();
    assertThat(DemoGuard.isLoopback("192.168.1.2")).isFalse();
    assertThat(DemoGuard.isLoopback("no-such-host.invalid")).isFalse();
  }
}
