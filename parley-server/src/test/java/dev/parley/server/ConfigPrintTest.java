package dev.parley.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code parley config --print}: where each value comes from, the mode, and nothing secret. */
class ConfigPrintTest {
  @TempDir Path dir;

  @Test
  void passwordsInsideUrlsAreMaskedWhereverTheyComeFrom() throws Exception {
    Path file = dir.resolve("parley.properties");
    Files.writeString(file, "llm-url = https://bob:llm-pw@llm.example/v1?api_key=sk-123&x=1\n");
    Cli.Outcome o =
        Cli.run(
            Map.of(
                "PARLEY_PG_URL",
                "jdbc:postgresql://parley:pg-pw@db:5432/parley?sslmode=require&password=pg-pw2"),
            "config",
            "--print",
            "--config",
            file.toString(),
            "--redis-url",
            "redis://:redis-pw@cache:6379/0",
            "--webhook-url",
            "https://hook-token@hooks.example/parley");
    assertThat(o.code()).as(o.err()).isZero();
    assertThat(o.line("redis-url")).contains("redis://:****@cache:6379/0").contains("# flag");
    assertThat(o.line("pg-url"))
        .contains("jdbc:postgresql://parley:****@db:5432/parley?sslmode=require&password=****")
        .contains("# env PARLEY_PG_URL");
    assertThat(o.line("llm-url"))
        .contains("https://bob:****@llm.example/v1?api_key=****&x=1")
        .contains("# file");
    assertThat(o.line("webhook-url")).contains("https://****@hooks.example/parley");
    assertThat(o.out()).doesNotContain("redis-pw", "pg-pw", "llm-pw", "sk-123", "hook-token");
  }

  @Test
  void secretSettingsAreMaskedFromTheFlagTheEnvironmentAndTheFile() throws Exception {
    Path file = dir.resolve("parley.properties");
    Files.writeString(file, "webhook-secret = from-the-file-0123456789\n");
    Cli.Outcome o =
        Cli.run(
            Map.of("PARLEY_JWT_SECRET", "from-the-environment-0123456789abcdef"),
            "config",
            "--print",
            "--config",
            file.toString(),
            "--demo-agent-password=from-the-flag",
            "--pg-password",
            "pg-from-the-flag");
    assertThat(o.line("webhook-secret")).contains("****").contains("# file");
    assertThat(o.line("jwt-secret")).contains("****").contains("# env PARLEY_JWT_SECRET");
    assertThat(o.line("demo-agent-password")).contains("****").contains("# flag");
    assertThat(o.line("pg-password")).contains("****").contains("# flag");
    assertThat(o.out())
        .doesNotContain(
            "from-the-file", "from-the-environment", "from-the-flag", "pg-from-the-flag");
  }

  @Test
  void demoModeIsStatedWithItsLoopbackHostAndWhereItsPasswordIsKept() throws Exception {
    Cli.Outcome demo = Cli.run(Map.of(), "config", "--print", "--data-dir", dir.toString());
    assertThat(demo.out().lines().findFirst().orElseThrow())
        .startsWith("# demo mode (no --sites)")
        .contains("maya and sam")
        .contains(dir.resolve("demo-agent-password").toString())
        .contains("loopback");
    assertThat(demo.line("host")).contains("127.0.0.1").endsWith("# default (demo mode)");
    assertThat(demo.line("demo-agent-password"))
        .contains("(random, in " + dir.resolve("demo-agent-password"));
    assertThat(demo.line("sites")).contains("demo mode");
    assertThat(Files.exists(dir.resolve("demo-agent-password")))
        .as("printing makes nothing")
        .isFalse();

    Cli.Outcome sites =
        Cli.run(Map.of(), "config", "--print", "--sites", "ops/examples/sites.json");
    assertThat(sites.out().lines().findFirst().orElseThrow())
        .isEqualTo("# sites and agents from ops/examples/sites.json");
    assertThat(sites.line("host")).contains("0.0.0.0").endsWith("# default (with --sites)");
    assertThat(sites.line("demo-agent-password")).contains("(unused: --sites)");
  }

  @Test
  void unsetValuesSayWhatHappensInstead() {
    Cli.Outcome o = Cli.run(Map.of(), "config", "--print");
    assertThat(o.line("token-secret")).contains("(data-dir/secret.key)").endsWith("# default");
    assertThat(o.line("kb-dir")).contains("(built in)");
    assertThat(o.line("pg-user")).contains("(unset)");
    assertThat(o.line("config")).contains("(unset)");
  }

  @Test
  void anEmptyVariableOfTheEnvironmentCountsAsUnset() {
    Cli.Outcome o =
        Cli.run(Map.of("PARLEY_PORT", "", "PARLEY_TOKEN_SECRET", " "), "config", "--print");
    assertThat(o.code()).as(o.err()).isZero();
    assertThat(o.line("port")).contains("8080").endsWith("# default");
    assertThat(o.line("token-secret")).contains("(data-dir/secret.key)").endsWith("# default");
  }

  @Test
  void maskingLeavesUrlsWithoutCredentialsAlone() {
    assertThat(SecretMask.url("redis://127.0.0.1:6379")).isEqualTo("redis://127.0.0.1:6379");
    assertThat(SecretMask.url("jdbc:postgresql://db/parley?sslmode=require"))
        .isEqualTo("jdbc:postgresql://db/parley?sslmode=require");
    assertThat(SecretMask.url("rediss://default:p@ss@cache"))
        .isEqualTo("rediss://default:****@cache");
    assertThat(SecretMask.url("jdbc:postgresql://db/x?user=u&password=p;q"))
        .isEqualTo("jdbc:postgresql://db/x?user=u&password=****;q");
    assertThat(SecretMask.url("not a url")).isEqualTo("not a url");
  }
}
