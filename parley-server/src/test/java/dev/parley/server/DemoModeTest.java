package dev.parley.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.Agent;
import dev.parley.edge.Passwords;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code parley run} without a sites file: loopback, a random password of its own, and refusals
 * that say what to set.
 */
@Timeout(60)
class DemoModeTest {
  static final Pattern PASSWORD = Pattern.compile("maya \\(an admin\\) or sam, password (\\S+)");

  @TempDir Path dir;

  static String printedPassword(String banner) {
    Matcher m = PASSWORD.matcher(banner);
    assertThat(m.find()).as(banner).isTrue();
    return m.group(1);
  }

  @Test
  void theDemoAgentsGetARandomPasswordKeptPrivatelyAndPrintedAtStart() throws Exception {
    Path data = dir.resolve("data");
    String first;
    Cli.Started started = Cli.start(Map.of(), "--port=0", "--data-dir=" + data);
    try (ParleyServer server = started.server()) {
      first = printedPassword(started.banner());
      assertThat(first)
          .matches("[a-z2-9]{4}(-[a-z2-9]{4}){3}")
          .isNotEqualTo(ServerConfig.DEMO_AGENT_PASSWORD);
      Path file = data.resolve("demo-agent-password");
      assertThat(Files.readString(file).strip()).isEqualTo(first);
      FileModesTest.assertOwnerOnly(
          data,
          List.of(
              "demo-agent-password", "parley.db", "parley.db-wal", "parley.db-shm", "secret.key"));
      assertThat(started.banner())
          .contains("kept in " + file.toAbsolutePath().normalize())
          .contains("http://127.0.0.1:" + server.port() + "/console/")
          .contains("demo mode");
      assertThat(server.config().network().host()).isEqualTo("127.0.0.1");
      for (Agent a : server.config().access().agents()) {
        assertThat(Passwords.verify(first, a.passwordHash())).as(a.user()).isTrue();
      }
    }
    Cli.Started again = Cli.start(Map.of(), "--port=0", "--data-dir=" + data);
    try (ParleyServer server = again.server()) {
      assertThat(printedPassword(again.banner())).as("the same after a restart").isEqualTo(first);
    }
  }

  @Test
  void aPasswordFromTheSettingsIsUsedAndNeitherKeptNorPrinted() throws Exception {
    Path data = dir.resolve("data");
    Cli.Started started =
        Cli.start(
            Map.of("PARLEY_DEMO_AGENT_PASSWORD", "chosen-by-the-operator"),
            "--port=0",
            "--data-dir=" + data);
    try (ParleyServer server = started.server()) {
      assertThat(started.banner())
          .doesNotContain("chosen-by-the-operator")
          .contains("password from env PARLEY_DEMO_AGENT_PASSWORD");
      assertThat(
              Passwords.verify(
                  "chosen-by-the-operator",
                  server.config().access().agents().get(0).passwordHash()))
          .isTrue();
      assertThat(data.resolve("demo-agent-password")).doesNotExist();
    }
  }

  @Test
  void demoModeOnEveryAddressIsRefusedBeforeAnythingIsMadeSayingWhatToSet() {
    Path data = dir.resolve("data");
    Cli.Outcome o = Cli.run(Map.of(), "run", "--host=0.0.0.0", "--port=0", "--data-dir=" + data);
    assertThat(o.code()).isEqualTo(1);
    assertThat(o.err())
        .startsWith("parley: cannot start: demo mode (no --sites file)")
        .contains("--host 0.0.0.0")
        .contains("--sites FILE");
    assertThat(data).doesNotExist();

    Cli.Outcome cluster =
        Cli.run(Map.of("PARLEY_STORE", "postgres"), "run", "--port=0", "--data-dir=" + data);
    assertThat(cluster.err()).contains("demo agents maya and sam").contains("--store postgres");
    assertThat(data).doesNotExist();
  }

  @Test
  void hashPasswordRefusesTheWellKnownPasswords() {
    InputStream saved = System.in;
    try {
      for (String known : DemoGuard.WELL_KNOWN_PASSWORDS) {
        System.setIn(new ByteArrayInputStream((known + "\n").getBytes(StandardCharsets.UTF_8)));
        Cli.Outcome o = Cli.run(Map.of(), "hash-password");
        assertThat(o.code()).isEqualTo(1);
        assertThat(o.err()).contains("'" + known + "' is a well-known password");
        assertThat(o.out()).isEmpty();
      }
      System.setIn(
          new ByteArrayInputStream("a-password-of-my-own\n".getBytes(StandardCharsets.UTF_8)));
      Cli.Outcome own = Cli.run(Map.of(), "hash-password");
      assertThat(own.code()).isZero();
      assertThat(Passwords.verify("a-password-of-my-own", own.out().strip())).isTrue();
    } finally {
      System.setIn(saved);
    }
  }

  @Test
  void aGarbledPasswordFileStopsStartUpNamingIt() throws Exception {
    Path data = dir.resolve("data");
    Files.createDirectories(data);
    Files.writeString(data.resolve("demo-agent-password"), "short\n");
    Cli.Outcome o = Cli.run(Map.of(), "run", "--port=0", "--data-dir=" + data);
    assertThat(o.code()).isEqualTo(1);
    assertThat(o.err()).contains("demo-agent-password holds no password").contains("delete it");
  }
}
