package dev.parley.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Keeps {@code parley bench} working: every scenario, a second each at tiny sizes, against the
 * real server jar and the baseline, both as child processes. Not a performance test: it checks
 * that each scenario measures something and that the report is written.
 */
@Timeout(300)
class BenchSmokeTest {
  @TempDir Path out;

  @Test
  void everyScenarioRunsAgainstParleyAndTheBaselineAndIsReported() throws Exception {
    Path jar = Path.of("..", "parley-server", "target", "parley-server.jar").toAbsolutePath().normalize();
    assertThat(jar).as("the server jar is packaged before this module's tests").exists();
    int code = new CommandLine(new Bench()).execute("--smoke", "--out", out.toString(), "--parley-jar", jar.toString());
    assertThat(code).isZero();

    List<String> lines = Files.readAllLines(out.resolve("results.jsonl"));
    assertThat(lines).hasSize(10); // handshake twice per target: plain and TLS
    for (String scenario : List.of("idle", "chat", "fanout", "handshake")) {
      for (String target : List.of("parley", "netty")) {
        assertThat(lines).as(scenario + " " + target)
            .anyMatch(l -> l.contains("\"scenario\":\"" + scenario + "\"") && l.contains("\"target\":\"" + target + "\""));
      }
    }
    assertThat(lines).filteredOn(l -> l.contains("\"scenario\":\"chat\"") || l.contains("\"scenario\":\"fanout\""))
        .allMatch(l -> l.contains("\"delivered_fraction\":1"), "every message of the window delivered");
    assertThat(lines).filteredOn(l -> l.contains("\"scenario\":\"idle\""))
        .allMatch(l -> l.contains("\"rss_per_conn_bytes\":") && l.contains("\"connect_per_s\":"));
    assertThat(lines).filteredOn(l -> l.contains("\"scenario\":\"handshake\"")).hasSize(4)
        .allMatch(l -> l.contains("\"failed\":0")).anyMatch(l -> l.contains("\"tls\":true"));
    assertThat(lines).allMatch(l -> l.contains("\"machine\":") && l.contains("\"date\":"));
    String report = Files.readString(out.resolve("report.md"));
    assertThat(report).contains("## idle", "## chat", "## fanout", "## handshake", "ratio Parley/Netty");
    assertThat(out.resolve("fanout.svg")).exists();
    assertThat(Files.readString(out.resolve("logs").resolve("heap-parley-50.txt")))
        .as("the idle server's heap by class, for what dominates").contains("#instances", "java.lang.String");
  }

  @Test
  void idleConnectionsHeldBySeveralProcessesFromSeveralSourceAddresses() throws Exception {
    Path jar = Path.of("..", "parley-server", "target", "parley-server.jar").toAbsolutePath().normalize();
    int code = new CommandLine(new Bench()).execute("--smoke", "--scenarios", "idle", "--client-processes", "2",
        "--source-addresses", "127.0.0.2-3", "--out", out.toString(), "--parley-jar", jar.toString());
    assertThat(code).isZero();

    List<String> lines = Files.readAllLines(out.resolve("results.jsonl"));
    assertThat(lines).hasSize(2).allMatch(l -> l.contains("\"client_processes\":2")
        && l.contains("\"connections_closed\":0") && l.contains("\"errors\":0")
        && l.contains("from 127.0.0.2,127.0.0.3"), "both processes held their share, from both addresses");
  }

  @Test
  void aSourceAddressThatIsNotAnAddressIsRefusedClearly() {
    java.io.StringWriter err = new java.io.StringWriter();
    CommandLine cli = new CommandLine(new Bench()).setErr(new java.io.PrintWriter(err));
    int code = cli.execute("--smoke", "--source-addresses", "localhost", "--out", out.toString());
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--source-addresses: not an IP address: localhost");
  }

  @Test
  void theOpenFilesLimitIsRead() {
    assertThat(Bench.openFilesLimit()).isGreaterThan(0);
  }
}
