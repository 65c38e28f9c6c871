package dev.parley.bench;

import dev.parley.core.AppendRequest;
import dev.parley.store.jdbc.CommitListener;
import dev.parley.store.jdbc.SqliteMessageStore;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code ./parley bench --store}: what one durable chat message costs the SQLite store, measured
 * through the real store on a real file — the store's CPU time (its writer and checkpoint threads,
 * and the last checkpoint at close) and the bytes the process writes, per message.
 *
 * <p>Messages of about 100 bytes from a visitor each (own cid, so each is checked for a duplicate)
 * go to {@code chat_…} conversations (indexed for search) chosen at random among {@code
 * conversations}, offered at a steady {@code rate} by one thread. A first phase ({@code warmup}
 * messages) warms the JIT and fills the file, then the store is closed and opened again; the
 * measured phase runs from that open to the close that checkpoints the log into the database file,
 * so the bytes count both the write-ahead log and the pages copied into the file. Bytes are read
 * from {@code /proc/self/io}: {@code wchar} (what {@code write}/{@code pwrite} were handed) and
 * {@code write_bytes} (what was sent towards the disk).
 *
 * <p>Bounded: {@code warmup + messages} appends at {@code rate} (about 7 s at the defaults), each
 * awaited for at most a minute. One thread; not thread-safe.
 */
final class StoreWriteCost {
  private StoreWriteCost() {}

  /** The figures of one run, per measured message. */
  record Result(
      int messages,
      int rate,
      double storeCpuMicros,
      double wcharBytes,
      double diskBytes,
      double messagesPerCommit,
      double seconds) {
    String line() {
      return String.format(
          Locale.ROOT,
          "store: %,d messages at %,d/s over %.1f s: store CPU %.1f µs/message, "
              + "written %,.0f B/message (wchar), %,.0f B/message (write_bytes), "
              + "%.1f messages/commit",
          messages,
          rate,
          seconds,
          storeCpuMicros,
          wcharBytes,
          diskBytes,
          messagesPerCommit);
    }
  }

  /**
   * The default options but no queue-delay bound: on a busy machine the writer may fall behind the
   * offered rate, and this measures the cost of each message, not the admission rule.
   */
  private static final SqliteMessageStore.Options OPTIONS =
      withoutQueueDelayBound(SqliteMessageStore.Options.defaults());

  private static SqliteMessageStore.Options withoutQueueDelayBound(SqliteMessageStore.Options o) {
    return new SqliteMessageStore.Options(
        o.fsync(), o.maxBatch(), o.maxQueued(), o.readThreads(), o.commitDelay(), Duration.ZERO);
  }

  private static final String[] WORDS = {
    "order",
    "parcel",
    "refund",
    "delivery",
    "account",
    "password",
    "invoice",
    "the",
    "my",
    "is",
    "not",
    "working",
    "please",
    "help",
    "when",
    "will",
    "arrive",
    "thanks",
    "hello",
    "card",
    "payment",
    "failed",
    "again",
    "today",
    "tomorrow",
    "address",
    "change",
    "cancel",
    "return",
    "broken",
    "screen",
    "login",
    "email",
    "code",
    "shipping",
    "price",
    "discount",
    "size",
    "colour"
  };

  /** Runs the measurement under {@code out} (a temporary data directory is made and removed). */
  static int run(Path out, boolean smoke, int rate) throws Exception {
    Files.createDirectories(out);
    Result r = smoke ? measure(rate, 100, 1_000, 2_000) : measure(rate, 1_000, 20_000, 50_000);
    System.out.println(r.line());
    Files.writeString(out.resolve("store.txt"), r.line() + "\n");
    return 0;
  }

  static Result measure(int rate, int conversations, int warmup, int messages) throws Exception {
    Path dir = Files.createTempDirectory("parley-store-cost");
    try {
      SplittableRandom random = new SplittableRandom(20);
      SqliteMessageStore store = SqliteMessageStore.open(dir, OPTIONS, CommitListener.NONE);
      offer(store, random, rate, conversations, 0, warmup);
      store.close();

      AtomicLong commits = new AtomicLong();
      CommitListener counting = (size, nanos) -> commits.incrementAndGet();
      Map<String, Long> io0 = procIo();
      ThreadMXBean mx = ManagementFactory.getThreadMXBean();
      long self0 = mx.getCurrentThreadCpuTime();
      long start = System.nanoTime();
      store = SqliteMessageStore.open(dir, OPTIONS, counting);
      Map<Long, Long> threads0 = storeThreadCpu(mx);
      offer(store, random, rate, conversations, warmup, messages);
      long storeThreads = 0;
      for (Map.Entry<Long, Long> t : storeThreadCpu(mx).entrySet()) {
        storeThreads += t.getValue() - threads0.getOrDefault(t.getKey(), 0L);
      }
      long submitter = mx.getCurrentThreadCpuTime();
      store.close(); // on this thread: the last checkpoint, counted as the store's
      long closing = mx.getCurrentThreadCpuTime() - submitter;
      double seconds = (System.nanoTime() - start) / 1e9;
      Map<String, Long> io1 = procIo();
      if (self0 < 0) {
        throw new IllegalStateException("thread CPU time is not measurable here");
      }
      return new Result(
          messages,
          rate,
          (storeThreads + closing) / 1e3 / messages,
          (double) (io1.get("wchar") - io0.get("wchar")) / messages,
          (double) (io1.get("write_bytes") - io0.get("write_bytes")) / messages,
          (double) messages / Math.max(1, commits.get()),
          seconds);
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** Offers {@code count} messages at {@code rate} per second, then awaits every ack. */
  private static void offer(
      SqliteMessageStore store,
      SplittableRandom random,
      int rate,
      int conversations,
      int first,
      int count)
      throws InterruptedException {
    CountDownLatch acked = new CountDownLatch(count);
    AtomicLong failed = new AtomicLong();
    long start = System.nanoTime();
    long interval = 1_000_000_000L / rate;
    for (int i = 0; i < count; i++) {
      long due = start + i * interval;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      int conv = random.nextInt(conversations);
      StringBuilder text = new StringBuilder(110);
      while (text.length() < 95) {
        text.append(WORDS[random.nextInt(WORDS.length)]).append(' ');
      }
      store
          .append(
              new AppendRequest(
                  "chat_bench" + conv,
                  "v_" + conv,
                  "c" + (first + i),
                  "text",
                  text.toString().strip(),
                  System.currentTimeMillis()))
          .whenComplete(
              (a, err) -> {
                if (err != null) {
                  failed.incrementAndGet();
                }
                acked.countDown();
              });
    }
    if (!acked.await(1, TimeUnit.MINUTES) || failed.get() > 0) {
      throw new IllegalStateException(
          "store: " + acked.getCount() + " unacknowledged, " + failed.get() + " failed");
    }
  }

  /** CPU nanoseconds so far of each live thread of the store ({@code parley-store-…}). */
  private static Map<Long, Long> storeThreadCpu(ThreadMXBean mx) {
    Map<Long, Long> out = new HashMap<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("parley-store")) {
        long cpu = mx.getThreadCpuTime(t.threadId());
        if (cpu >= 0) {
          out.put(t.threadId(), cpu);
        }
      }
    }
    return out;
  }

  /** The counters of {@code /proc/self/io} (Linux). */
  private static Map<String, Long> procIo() throws IOException {
    Map<String, Long> out = new HashMap<>();
    for (String line : Files.readAllLines(Path.of("/proc/self/io"))) {
      int colon = line.indexOf(':');
      out.put(line.substring(0, colon), Long.parseLong(line.substring(colon + 1).trim()));
    }
    return out;
  }
}
