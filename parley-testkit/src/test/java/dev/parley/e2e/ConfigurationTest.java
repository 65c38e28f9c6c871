package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.server.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flags over environment over config file over defaults; secrets masked; bad keys and values named.
 */
class ConfigurationTest {
  @TempDir Path dir;

  record Outcome(int code, String out, String err) {}

  Outcome run(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream savedOut = System.out;
    PrintStream savedErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      int code = Main.execute(env, args);
      return new Outcome(
          code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(savedOut);
      System.setErr(savedErr);
    }
  }

  static String line(String printed, String key) {
    return printed.lines().filter(l -> l.startsWith(key + " ")).findFirst().orElseThrow();
  }

  @Test
  void flagsOverrideTheEnvironmentWhichOverridesTheFileWhichOverridesDefaultsAndSecretsAreMasked()
      throws Exception {
    Path file = dir.resolve("parley.properties");
    Files.writeString(
        file, "port = 9000\nhost = 127.0.0.1\nbroker = memory\nllm-api-key = sk-from-file\n");
    Outcome o =
        run(
            Map.of("PARLEY_HOST", "10.0.0.1", "PARLEY_TOKEN_SECRET", "c2VjcmV0"),
            "config",
            "--print",
            "--config",
            file.toString(),
            "--port=7000");
    assertThat(o.code()).as(o.err()).isZero();
    assertThat(line(o.out(), "port")).contains("7000").contains("# flag");
    assertThat(line(o.out(), "host")).contains("10.0.0.1").contains("# env PARLEY_HOST");
    assertThat(line(o.out(), "broker")).contains("memory").contains("# file");
    assertThat(line(o.out(), "store")).contains("sqlite").contains("# default");
    assertThat(line(o.out(), "llm-api-key")).contains("****").doesNotContain("sk-from-file");
    assertThat(line(o.out(), "token-secret")).contains("****");
    assertThat(o.out()).doesNotContain("c2VjcmV0").doesNotContain("sk-from-file");
  }

  @Test
  void anUnknownKeyInTheFileStopsStartUpNamingIt() throws Exception {
    Path file = dir.resolve("typo.properties");
    Files.writeString(file, "prot = 8080\n");
    Outcome o = run(Map.of(), "run", "--config", file.toString());
    assertThat(o.code()).isNotZero();
    assertThat(o.err()).contains("unknown key prot");
  }

  @Test
  void aBadValueFromTheFileOrTheEnvironmentStopsStartUpNamingTheSetting() throws Exception {
    Path file = dir.resolve("bad.properties");
    Files.writeString(file, "ping-interval = soon\n");
    Outcome fromFile = run(Map.of(), "run", "--config", file.toString());
    assertThat(fromFile.code()).isNotZero();
    assertThat(fromFile.err()).contains("--ping-interval").contains("soon");
    Outcome fromEnv = run(Map.of("PARLEY_PORT", "eighty"), "run", "--data-dir", dir.toString());
    assertThat(fromEnv.code()).isNotZero();
    assertThat(fromEnv.err()).contains("--port").contains("eighty");
    Outcome missing = run(Map.of(), "run", "--config", dir.resolve("nope.properties").toString());
    assertThat(missing.err()).contains("cannot be read");
  }

  @Test
  void theStoreCommitDelayHasADefaultTheEnvironmentAndALimit() {
    Outcome defaults = run(Map.of(), "config", "--print");
    assertThat(line(defaults.out(), "store-commit-delay")).contains("1ms").contains("# default");
    Outcome fromEnv = run(Map.of("PARLEY_STORE_COMMIT_DELAY", "0ms"), "config", "--print");
    assertThat(line(fromEnv.out(), "store-commit-delay"))
        .contains("0ms")
        .contains("# env PARLEY_STORE_COMMIT_DELAY");
    Outcome tooLong = run(Map.of(), "run", "--data-dir", dir.toString(), "--store-commit-delay=2s");
    assertThat(tooLong.code()).isNotZero();
    assertThat(tooLong.err()).contains("store-commit-delay must be 0-100ms");
  }
}
