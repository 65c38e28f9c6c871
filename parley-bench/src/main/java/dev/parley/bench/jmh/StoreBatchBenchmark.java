package dev.parley.bench.jmh;

import dev.parley.core.AppendRequest;
import dev.parley.store.jdbc.SqliteMessageStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Durable appends through the SQLite store's group commit: {@code batch} appends submitted at once
 * and awaited (each completes after its commit), over 100 conversations. Time per batch; divide by
 * the batch for the cost of one durable message. {@code prefix}: {@code chat_} conversations are
 * indexed for search (since V21 by the writer after the commits, 500 at a time), {@code conv-} ones
 * are not — the difference is what keeping the search index costs the writer
 * (docs/ARCHITECTURE.md#search).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class StoreBatchBenchmark {
  @Param({"1", "100"})
  int batch;

  @Param({"conv-", "chat_"})
  String prefix;

  private Path dir;
  private SqliteMessageStore store;
  private long n;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    dir = Files.createTempDirectory("parley-jmh-store");
    store = SqliteMessageStore.open(dir);
  }

  @Benchmark
  public Object appendBatch() {
    CompletableFuture<?>[] all = new CompletableFuture<?>[batch];
    for (int i = 0; i < batch; i++) {
      long k = n++;
      all[i] =
          store.append(
              new AppendRequest(
                  prefix + (k % 100),
                  "v_bench",
                  "c" + k,
                  "text",
                  "message " + k + " of some ordinary length for the store benchmark",
                  System.currentTimeMillis()));
    }
    return CompletableFuture.allOf(all).join();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    store.close();
    try (var files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
