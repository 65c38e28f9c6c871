package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testsupport.NodeScript;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The JS that Parley serves ({@code parley-web/src/main/resources}, every file {@code // @ts-check}
 * with JSDoc types) type-checks: {@code tsc --noEmit} in strict mode, with the TypeScript pinned in
 * {@code parley-web/src/test/types/package.json}. Users need no build step: nothing is emitted and
 * the server serves the plain files.
 */
@Timeout(180)
class TypeCheckTest {
  @Test
  void everyServedJsFileTypeChecks() throws Exception {
    Path root = NodeScript.repositoryRoot();
    Path types = root.resolve("parley-web/src/test/types");
    assertThat(types.resolve("node_modules/typescript"))
        .as("run .ci/prerequisites (npm ci) first")
        .exists();
    NodeScript.Result r =
        NodeScript.run(
            types,
            List.of("node_modules/typescript/bin/tsc", "-p", "tsconfig.json"),
            Map.of(),
            Duration.ofSeconds(150),
            root.resolve("parley-testkit/target/typecheck.log"));
    assertThat(r.exitCode()).as(r.output()).isZero();
  }

  @Test
  void everyServedJsFileAsksToBeChecked() throws Exception {
    Path web = NodeScript.repositoryRoot().resolve("parley-web/src/main/resources/parley-web");
    try (var files = Files.walk(web)) {
      List<Path> unchecked =
          files
              .filter(p -> p.toString().endsWith(".js") || p.toString().endsWith(".mjs"))
              .filter(p -> !firstLine(p).equals("// @ts-check"))
              .toList();
      assertThat(unchecked).as("JS files without // @ts-check on their first line").isEmpty();
    }
  }

  private static String firstLine(Path p) {
    try (var lines = Files.lines(p)) {
      return lines.findFirst().orElse("");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
