package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testkit.TestServer;
import dev.parley.testsupport.NodeScript;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JS SDK's tests ({@code parley-web/src/test/js}, Node's test runner) against a real server:
 * every transport, network cuts through a proxy, the outbox (kept in storage across a reload),
 * resume, fallback and moving back up, reconnecting at once when the browser is back online, the
 * text limit; and, without a server, the transcript model.
 */
@Timeout(240)
class JsSdkTest {
  @TempDir Path dir;

  @Test
  void theJsSdkSuitePassesAgainstARealServer() throws Exception {
    // The suite makes hundreds of new clients from 127.0.0.1, its rooms are channels, and its
    // network cuts make clients resend in bursts: the limits have tests of their own (LimitsTest,
    // HelloBudgetTest), here they would only reorder acks.
    try (TestServer server =
        TestServer.start(
            dir.resolve("data"), b -> b.openChannels(true).helloBurst(10_000).sendBurst(1000))) {
      Path root = NodeScript.repositoryRoot();
      List<String> args = new ArrayList<>(NodeScript.webSocketFlags());
      // One file at a time: the files share one server, and its SQLite store under the load of all
      // of them at once has refused writes (SQLITE_BUSY, store_unavailable), which reorders acks.
      args.addAll(
          List.of(
              "--test", "--test-concurrency=1", "--test-reporter=spec", "parley-web/src/test/js/"));
      NodeScript.Result r =
          NodeScript.run(
              root,
              args,
              Map.of("PARLEY_URL", "http://127.0.0.1:" + server.port()),
              Duration.ofSeconds(200),
              root.resolve("parley-testkit/target/js-sdk-tests.log"));
      System.out.println(r.output());
      assertThat(r.exitCode()).as(r.output()).isZero();
      assertThat(r.output()).contains("ℹ fail 0").doesNotContain("ℹ pass 0");
    }
  }
}
