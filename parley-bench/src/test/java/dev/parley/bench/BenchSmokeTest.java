package dev.parley.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Keeps {@code parley bench} working: every scenario, a second each at tiny sizes, against the real
 * server jar, the raw Netty baseline and the Socket.IO peer (all child processes), a cluster behind
 * nginx on PostgreSQL and Redis, and a node on PostgreSQL. Not a performance test: it checks that
 * each scenario measures something and that the report is written with every figure.
 */
@Timeout(300)
class BenchSmokeTest {
  @TempDir Path out;

  static Path jar() {
    return Path.of("..", "parley-server", "target", "parley-server.jar")
        .toAbsolutePath()
        .normalize();
  }

  /** The bench's arguments from this module's folder (where the test runs), then {@code more}. */
  List<String> args(String... more) {
    List<String> a =
        new ArrayList<>(
            List.of(
                "--smoke",
                "--out",
                out.toString(),
                "--parley-jar",
                jar().toString(),
                "--socketio-dir",
                "socketio",
                "--nginx-conf",
                Path.of("..", "ops", "nginx", "parley.conf").toString()));
    a.addAll(List.of(more));
    return a;
  }

  private static Predicate<String> is(String scenario, String target) {
    return l ->
        l.contains("\"scenario\":\"" + scenario + "\"")
            && l.contains("\"target\":\"" + target + "\"");
  }

  private static Predicate<String> has(String... figures) {
    return l ->
        Arrays.stream(figures)
            .allMatch(f -> Pattern.compile("\"" + f + "\":-?[0-9]").matcher(l).find());
  }

  @Test
  void everyScenarioRunsAgainstParleyAndItsPeersAndIsReported() throws Exception {
    assertThat(jar()).as("the server jar is packaged before this module's tests").exists();
    int code = new CommandLine(new Bench()).execute(args("--profile=chat").toArray(String[]::new));
    assertThat(code).isZero();

    List<String> lines = Files.readAllLines(out.resolve("results.jsonl"));
    for (String scenario : List.of("idle", "chat", "latency", "fanout", "handshake")) {
      for (String target : List.of("parley", "netty", "socketio")) {
        assertThat(lines).as(scenario + " " + target).anyMatch(is(scenario, target));
      }
    }
    assertThat(lines)
        .filteredOn(
            l ->
                l.matches(
                    ".*\"scenario\":\"(chat|latency|fanout|cluster-chat|cluster-fanout|pg)\".*"))
        .hasSize(3 + 6 + 3 + 1 + 1 + 2)
        .allMatch(l -> l.contains("\"delivered_fraction\":1"), "every message delivered");
    assertThat(lines)
        .filteredOn(l -> l.contains("\"scenario\":\"idle\""))
        .hasSize(3)
        .allMatch(
            has(
                "connect_per_s",
                "rss_total_mib",
                "heap_per_conn_bytes",
                "heap_committed_mib",
                "idle_cpu_cores"));
    assertThat(lines)
        .filteredOn(l -> l.contains("\"scenario\":\"fanout\""))
        .allMatch(has("deliveries_per_s", "deliveries_per_core_s", "p99_ms", "server_cpu_cores"));
    assertThat(lines)
        .filteredOn(l -> l.contains("\"scenario\":\"chat\""))
        .allMatch(has("messages_per_s", "delivered_p99_ms", "server_cpu_cores"));
    assertThat(lines)
        .filteredOn(l -> l.contains("\"scenario\":\"latency\""))
        .hasSize(6)
        .allMatch(has("delivered_p50_ms", "delivered_p99_ms", "delivered_p999_ms"))
        .anyMatch(l -> l.contains("\"phase\":\"first 1 s\""))
        .anyMatch(l -> l.contains("\"phase\":\"warmed\""));
    assertThat(lines)
        .filteredOn(l -> l.contains("\"scenario\":\"joins\""))
        .hasSize(1)
        .allMatch(is("joins", "parley"))
        .allMatch(has("join_seconds", "joins_per_s", "presence_events", "probe_p99_ms"))
        .allMatch(has("probe_max_ms", "probe_unanswered"))
        .allMatch(l -> l.matches(".*\"probe_pings\":[1-9].*")); // the first ping goes at once
    assertThat(lines)
        .filteredOn(l -> l.contains("\"scenario\":\"uploads\""))
        .hasSize(3)
        .allMatch(is("uploads", "parley"))
        .allMatch(has("uploads_per_s", "mib_per_s", "p99_ms", "server_cpu_ms_per_upload"))
        .allMatch(l -> l.contains("\"failed\":0"), "every upload stored")
        .filteredOn(l -> l.contains("\"kind\":\"photo.jpg\"") || l.contains("screenshot.png"))
        .hasSize(2)
        .allMatch(has("image_cleaning_cpu_ms"), "an image's cost beyond the PDF of its size");
    assertThat(lines)
        .filteredOn(l -> l.contains("\"scenario\":\"handshake\""))
        .hasSize(5)
        .allMatch(l -> l.contains("\"failed\":0"))
        .anyMatch(l -> l.contains("\"tls\":true"));
    assertThat(lines)
        .filteredOn(is("cluster-chat", "parley"))
        .isNotEmpty()
        .allMatch(
            has(
                "messages_per_s",
                "messages_per_node_s",
                "messages_per_core_s",
                "delivered_p99_ms",
                "postgres_cpu_cores"));
    assertThat(lines)
        .filteredOn(is("cluster-fanout", "parley"))
        .isNotEmpty()
        .allMatch(
            has("deliveries_per_s", "deliveries_per_node_s", "deliveries_per_core_s", "p99_ms"));
    assertThat(lines)
        .filteredOn(is("pg", "parley"))
        .hasSize(2)
        .allMatch(
            has(
                "achieved_per_s",
                "delivered_p50_ms",
                "delivered_p99_ms",
                "store_unavailable",
                "server_cpu_cores"))
        .allMatch(l -> l.contains("\"errors\":0"), "no error at a smoke run's rates");
    assertThat(lines)
        .filteredOn(is("pg-recovery", "parley"))
        .hasSize(1)
        .allMatch(
            has("recovery_s", "normal_before_s"),
            "the node served the probe again, within the smoke run's 30 s");
    assertThat(lines).allMatch(l -> l.contains("\"machine\":") && l.contains("\"date\":"));
    assertThat(lines)
        // pg: errors per rate; uploads: failed uploads, its connections are HTTP requests
        .filteredOn(l -> !l.matches(".*\"scenario\":\"(handshake|pg|uploads)\".*"))
        .allMatch(
            l -> l.contains("\"connections_closed\":0") && l.contains("\"errors\":0"),
            "a clean run");

    String report = Files.readString(out.resolve("report.md"));
    assertThat(report)
        .contains(
            "## idle",
            "## chat",
            "## latency",
            "## fanout",
            "## handshake",
            "## cluster-chat",
            "## cluster-fanout",
            "## pg",
            "## pg-recovery",
            "## uploads",
            "## ephemeral-fanout",
            "## server-publish",
            "## small-channels",
            "Parley / raw Netty",
            "Parley / Socket.IO",
            "nodes: messages_per_s");
    assertThat(out.resolve("fanout.svg")).exists();
    assertThat(Files.readString(out.resolve("logs").resolve("heap-parley-50.txt")))
        .as("the idle server's heap by class, for what dominates")
        .contains("#instances", "java.lang.String");
    assertThat(Files.readString(out.resolve("logs").resolve("jfr-parley-chat-100.txt")))
        .as("--profile=chat: where the server's time went")
        .contains(
            "Execution samples by thread",
            "Execution samples by package",
            "Java Methods that Execute the Most");
  }

  @Test
  void channelScenariosRunInTheirNamespacesThroughTheServerApiAndAreReported() throws Exception {
    int code =
        new CommandLine(new Bench())
            .execute(
                args(
                        "--scenarios",
                        "ephemeral-fanout,server-publish,small-channels",
                        "--peers",
                        "netty")
                    .toArray(String[]::new));
    assertThat(code).isZero();

    List<String> lines = Files.readAllLines(out.resolve("results.jsonl"));
    for (String target : List.of("parley", "netty")) {
      assertThat(lines)
          .filteredOn(is("ephemeral-fanout", target))
          .hasSize(1)
          .allMatch(has("deliveries_per_s", "deliveries_per_core_s", "p50_ms", "p99_ms"));
    }
    assertThat(lines)
        .filteredOn(is("ephemeral-fanout", "parley"))
        .allMatch(l -> l.contains("ephemeral namespace"), "the channel is an ephemeral one");
    assertThat(lines)
        .filteredOn(l -> l.contains("\"scenario\":\"server-publish\""))
        .hasSize(2)
        .allMatch(is("server-publish", "parley"))
        .allMatch(has("publications_per_s", "http_p99_ms", "delivered_p99_ms", "server_cpu_cores"))
        .anyMatch(l -> l.contains("\"channels\":1,"))
        .anyMatch(l -> l.contains("\"channels\":10,"));
    assertThat(lines)
        .filteredOn(l -> l.contains("\"scenario\":\"small-channels\""))
        .hasSize(1)
        .allMatch(is("small-channels", "parley"))
        .allMatch(
            has("deliveries_per_s", "p99_ms", "subscribe_per_s", "server_cpu_us_per_delivery"))
        .allMatch(l -> l.contains("\"channels\":50,"));
    assertThat(lines)
        .hasSize(5)
        .allMatch(l -> l.contains("\"delivered_fraction\":1"), "every publication delivered")
        .allMatch(
            l -> l.contains("\"connections_closed\":0") && l.contains("\"errors\":0"),
            "a clean run")
        .filteredOn(l -> !l.contains("\"scenario\":\"ephemeral-fanout\""))
        .allMatch(l -> l.contains("\"failed\":0"), "every publication answered 200");
    assertThat(Files.readString(out.resolve("report.md")))
        .contains(
            "## ephemeral-fanout", "Parley / raw Netty", "## server-publish", "## small-channels");
  }

  @Test
  void aSmallChannelsCountOverTheOpenFilesLimitIsLoweredAndSaid() {
    ChannelOptions o = new ChannelOptions();
    StringBuilder notes = new StringBuilder();
    o.fit(20_000, notes);
    assertThat(o.smallChannels).isEqualTo(19_000);
    assertThat(notes).isEmpty();
    o.fit(10_000, notes);
    assertThat(o.smallChannels).isEqualTo(10_000 - 300 - 64);
    assertThat(notes.toString()).contains("small-channels 19000 lowered to 9636");
  }

  @Test
  void idleConnectionsHeldBySeveralProcessesFromSeveralSourceAddresses() throws Exception {
    int code =
        new CommandLine(new Bench())
            .execute(
                args(
                        "--scenarios",
                        "idle",
                        "--peers",
                        "netty",
                        "--client-processes",
                        "2",
                        "--source-addresses",
                        "127.0.0.2-3")
                    .toArray(String[]::new));
    assertThat(code).isZero();

    List<String> lines = Files.readAllLines(out.resolve("results.jsonl"));
    assertThat(lines)
        .hasSize(2)
        .allMatch(
            l ->
                l.contains("\"client_processes\":2")
                    && l.contains("\"connections_closed\":0")
                    && l.contains("\"errors\":0")
                    && l.contains("from 127.0.0.2,127.0.0.3"),
            "both processes held their share, from both addresses");
  }

  @Test
  void aSourceAddressThatIsNotAnAddressIsRefusedClearly() {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new Bench()).setErr(new PrintWriter(err));
    int code = cli.execute("--smoke", "--source-addresses", "localhost", "--out", out.toString());
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--source-addresses: not an IP address: localhost");
  }

  @Test
  void profileAloneRecordsHandshakeChatAndFanoutAndTakesAList() {
    assertThat(CommandLine.populateCommand(new Bench(), "--profile", "--smoke").profile)
        .containsExactly("handshake", "chat", "fanout");
    assertThat(CommandLine.populateCommand(new Bench(), "--profile=chat,pg").profile)
        .containsExactly("chat", "pg");
    assertThat(CommandLine.populateCommand(new Bench()).profile).isEmpty();
  }

  @Test
  void anUnknownScenarioOrPeerIsRefusedClearly() {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new Bench()).setErr(new PrintWriter(err));
    assertThat(cli.execute("--smoke", "--scenarios", "fanout,latncy", "--out", out.toString()))
        .isEqualTo(2);
    assertThat(cli.execute("--smoke", "--peers", "ws", "--out", out.toString())).isEqualTo(2);
    assertThat(err.toString())
        .contains("unknown scenario latncy", "unknown peer ws (netty, socketio)");
  }

  @Test
  void theOpenFilesLimitIsRead() {
    assertThat(MachineLimits.openFilesLimit()).isGreaterThan(0);
  }
}
