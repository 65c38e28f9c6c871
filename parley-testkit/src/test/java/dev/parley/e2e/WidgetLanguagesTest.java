package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testsupport.NodeScript;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The widget's languages ({@code parley-web/.../widget/languages.js}) are complete: Node runs
 * {@code parley-web/src/test/js/widget-languages.test.mjs} (every key of English in every language,
 * the plural forms each language needs, the language choice). No server.
 */
@Timeout(60)
class WidgetLanguagesTest {
  @Test
  void everyLanguageHasEveryKey() throws Exception {
    Path root = NodeScript.repositoryRoot();
    NodeScript.Result r =
        NodeScript.run(
            root,
            List.of(
                "--test",
                "--test-reporter=spec",
                "parley-web/src/test/js/widget-languages.test.mjs"),
            Map.of(),
            Duration.ofSeconds(50),
            root.resolve("parley-testkit/target/widget-languages.log"));
    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.output()).contains("ℹ fail 0").doesNotContain("ℹ pass 0");
  }
}
