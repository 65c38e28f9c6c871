package dev.parley.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** {@code ./parley bench --jmh}: the JMH micro-benchmarks of {@code dev.parley.bench.jmh}. */
final class MicroBenchmarks {
  private MicroBenchmarks() {}

  /**
   * JMH, one fork, short iterations (a few minutes in all); {@code --smoke}: one iteration each.
   */
  static int run(Path out, boolean smoke) throws Exception {
    Files.createDirectories(out);
    ChainedOptionsBuilder o =
        new OptionsBuilder()
            .include("dev\\.parley\\.bench\\.jmh\\..*")
            .forks(1)
            .warmupIterations(smoke ? 1 : 3)
            .warmupTime(TimeValue.seconds(1))
            .measurementIterations(smoke ? 1 : 5)
            .measurementTime(TimeValue.seconds(smoke ? 1 : 2))
            .jvmArgsAppend("--enable-native-access=ALL-UNNAMED", "-Xmx1g")
            .resultFormat(ResultFormatType.JSON)
            .result(out.resolve("jmh.json").toString());
    new org.openjdk.jmh.runner.Runner(o.build()).run(); // JMH's Runner, not the bench's
    System.out.println("bench: JMH results in " + out.resolve("jmh.json"));
    return 0;
  }
}
