package dev.parley.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.parley.core.StoreException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The group-commit writer on a real SQLite file: its commit delay (company in a stream, none when
 * idle) and its admission (new writes refused while the oldest queued one has waited too long, on a
 * frozen clock).
 */
class GroupCommitWriterTest {
  @TempDir Path dir;
  Connection connection;
  GroupCommitWriter writer;
  final List<Integer> batches = new CopyOnWriteArrayList<>();

  @BeforeEach
  void open() throws SQLException {
    connection = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("w.db"));
    try (Statement s = connection.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("CREATE TABLE t (v INTEGER)");
    }
  }

  @AfterEach
  void close() throws SQLException {
    if (writer != null) {
      writer.close();
    }
    connection.close();
  }

  final AtomicLong clock = new AtomicLong();
  final AtomicInteger refused = new AtomicInteger();

  void start(Duration commitDelay) throws SQLException {
    writer =
        new GroupCommitWriter(
            connection,
            new GroupCommitWriter.Limits(1000, 512, commitDelay.toNanos(), 0),
            () -> {},
            (size, nanos) -> batches.add(size));
  }

  /** A writer without commit delay whose batches a completer thread completes. */
  void startCompletingApart() throws SQLException {
    writer =
        new GroupCommitWriter(
            connection,
            new GroupCommitWriter.Limits(1000, 512, 0, 0, true),
            () -> {},
            (size, nanos) -> batches.add(size));
  }

  /** A writer without commit delay whose admission reads {@link #clock}. */
  void startAdmitting(int maxQueued, Duration maxQueueDelay) throws SQLException {
    writer =
        new GroupCommitWriter(
            connection,
            new GroupCommitWriter.Limits(maxQueued, 512, 0, maxQueueDelay.toNanos()),
            () -> {},
            new CommitListener() {
              @Override
              public void committed(int batchSize, long nanos) {
                batches.add(batchSize);
              }

              @Override
              public void refused() {
                refused.incrementAndGet();
              }
            },
            clock::get);
  }

  /** A write that holds the writer inside its transaction until released. */
  static final class Blocker extends Insert {
    final CountDownLatch applying = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    public void apply(Connection c) throws SQLException {
      applying.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SQLException("interrupted", e);
      }
      super.apply(c);
    }
  }

  /**
   * An insert whose completion holds the completer until released (its {@code told} entry is added
   * once released).
   */
  static class HeldAtCompletion extends Insert {
    final CountDownLatch completing = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final List<String> told;
    final String entry;

    HeldAtCompletion(List<String> told, String entry) {
      this.told = told;
      this.entry = entry;
    }

    @Override
    public void committed() {
      completing.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      told.add(entry + " on " + Thread.currentThread().getName());
      super.committed();
    }
  }

  /** Submits a blocker and returns once the writer is busy with it (the queue is then empty). */
  Blocker holdTheWriter() throws InterruptedException {
    Blocker blocker = new Blocker();
    writer.submit(blocker);
    assertThat(blocker.applying.await(10, TimeUnit.SECONDS)).isTrue();
    return blocker;
  }

  /**
   * An insert whose future completes after its commit; {@code applied} tells whether its
   * transaction began.
   */
  static class Insert implements GroupCommitWriter.Op {
    final CompletableFuture<Void> done = new CompletableFuture<>();
    final AtomicBoolean applied = new AtomicBoolean();

    @Override
    public void apply(Connection c) throws SQLException {
      applied.set(true);
      try (Statement s = c.createStatement()) {
        s.executeUpdate("INSERT INTO t VALUES (1)");
      }
    }

    @Override
    public void committed() {
      done.complete(null);
    }

    @Override
    public void failed(Throwable t) {
      done.completeExceptionally(t);
    }
  }

  @Test
  void aLostConnectionFailsItsBatchAndIsReplacedTriedAgainAtMostOnceASecondWhenItCouldNotBe()
      throws Exception {
    AtomicLong reopenClock = new AtomicLong();
    AtomicInteger reopens = new AtomicInteger();
    List<Connection> opened = new CopyOnWriteArrayList<>();
    List<Connection> prepared = new CopyOnWriteArrayList<>();
    WriteConnection replaced =
        new WriteConnection(
            connection,
            () -> {
              if (reopens.incrementAndGet() == 1) {
                throw new SQLException("the server is still down");
              }
              Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("w.db"));
              opened.add(c);
              return c;
            },
            prepared::add,
            reopenClock::get);
    writer =
        new GroupCommitWriter(
            replaced,
            new GroupCommitWriter.Limits(1000, 512, 0, 0),
            () -> {},
            (size, nanos) -> batches.add(size),
            GroupCommitWriter.Housekeeping.NONE,
            System::nanoTime);
    Insert before = new Insert();
    writer.submit(before);
    before.done.get(10, TimeUnit.SECONDS);
    connection.close(); // lost, as a restarted server's connection is (the writer is idle)

    Insert found = new Insert(); // finds the loss: fails; the first reopen fails too
    writer.submit(found);
    assertThatThrownBy(() -> found.done.get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(StoreException.class)
        .hasMessageContaining("connection was lost");
    Insert tooSoon = new Insert(); // within a second of the failed attempt: not tried again
    writer.submit(tooSoon);
    assertThatThrownBy(() -> tooSoon.done.get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(StoreException.class)
        .hasMessageContaining("cannot be reached");
    assertThat(reopens).hasValue(1);

    reopenClock.addAndGet(WriteConnection.REOPEN_BACKOFF_NANOS);
    Insert next = new Insert(); // the next batch opens a connection first, then commits
    writer.submit(next);
    next.done.get(10, TimeUnit.SECONDS);

    assertThat(reopens).hasValue(2);
    assertThat(prepared).as("the store's statements prepared on the new one").isEqualTo(opened);
    assertThat(replaced.get()).isSameAs(opened.get(0));
    assertThat(batches).containsExactly(1, 1);
    try (Statement st = opened.get(0).createStatement();
        var rs = st.executeQuery("SELECT count(*) FROM t")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt(1)).isEqualTo(2);
    }
    writer.close();
    writer = null;
    opened.get(0).close();
  }

  @Test
  void aWriteRightAfterACommitWaitsForCompanyAndSharesTheNextCommit() throws Exception {
    start(Duration.ofMillis(500));
    Insert first = new Insert();
    writer.submit(first);
    first.done.get(5, TimeUnit.SECONDS);

    Insert second = new Insert(); // arrives moments after a commit: a stream, so the writer waits
    writer.submit(second);
    assertThat(second.applied).as("not begun: the writer is waiting for company").isFalse();
    Insert third = new Insert();
    writer.submit(third);
    CompletableFuture.allOf(second.done, third.done).get(5, TimeUnit.SECONDS);
    assertThat(batches).containsExactly(1, 2);
  }

  @Test
  void aLoneWriteIsCommittedWithoutTheDelay() throws Exception {
    start(
        Duration.ofSeconds(
            30)); // had the lone write waited for company, it could not commit within 10 s
    Insert lone = new Insert();
    writer.submit(lone);
    lone.done.get(10, TimeUnit.SECONDS);
    assertThat(batches).containsExactly(1);
  }

  @Test
  void withoutADelayEveryWriteIsCommittedAsSoonAsItArrives() throws Exception {
    start(Duration.ZERO);
    Insert first = new Insert();
    writer.submit(first);
    first.done.get(5, TimeUnit.SECONDS);
    Insert second = new Insert();
    writer.submit(second);
    second.done.get(5, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(5)).until(() -> batches.size() == 2);
    assertThat(batches).containsExactly(1, 1);
  }

  @Test
  void writesAreRefusedWhileTheOldestQueuedWriteHasWaitedLongerThanTheBound() throws Exception {
    startAdmitting(1000, Duration.ofSeconds(1));
    Blocker blocker = holdTheWriter();
    Insert first = new Insert(); // queued at 0
    writer.submit(first);
    clock.set(Duration.ofSeconds(1).toNanos());
    Insert atTheBound = new Insert();
    writer.submit(atTheBound);
    clock.set(Duration.ofMillis(1001).toNanos());
    Insert late = new Insert();
    writer.submit(late);

    assertThat(late.done)
        .as("refused at once, not queued")
        .isCompletedExceptionally()
        .failsWithin(Duration.ZERO)
        .withThrowableThat()
        .havingCause()
        .isInstanceOf(StoreException.class)
        .withMessageContaining("overloaded")
        .withMessageContaining("1001 ms");
    assertThat(refused).hasValue(1);

    blocker.release.countDown();
    CompletableFuture.allOf(blocker.done, first.done, atTheBound.done).get(10, TimeUnit.SECONDS);
    assertThat(late.applied).as("a refused write never runs").isFalse();
    Insert afterTheBacklog = new Insert(); // same instant, but nothing is waiting any more
    writer.submit(afterTheBacklog);
    afterTheBacklog.done.get(10, TimeUnit.SECONDS);
    assertThat(rows()).isEqualTo(4);
  }

  @Test
  void withoutADelayBoundOnlyTheQueueLengthRefuses() throws Exception {
    startAdmitting(2, Duration.ZERO);
    Blocker blocker = holdTheWriter();
    Insert first = new Insert();
    Insert second = new Insert();
    writer.submit(first);
    clock.set(Duration.ofHours(1).toNanos());
    writer.submit(second);
    Insert third = new Insert();
    writer.submit(third);

    assertThat(third.done).isCompletedExceptionally();
    assertThat(refused).hasValue(1);
    blocker.release.countDown();
    CompletableFuture.allOf(first.done, second.done).get(10, TimeUnit.SECONDS);
    assertThat(rows()).isEqualTo(3);
  }

  /**
   * Housekeeping that is due while {@code due} is set: it inserts a row (v = 2), clears the flag
   * and records whether {@code after} had completed when it ran; {@code fail} makes it throw
   * instead.
   */
  static final class Chore implements GroupCommitWriter.Housekeeping {
    final AtomicBoolean due = new AtomicBoolean();
    final AtomicBoolean fail = new AtomicBoolean();
    final AtomicInteger runs = new AtomicInteger();
    final AtomicInteger failures = new AtomicInteger();
    final List<Boolean> afterWasDone = new CopyOnWriteArrayList<>();
    volatile CompletableFuture<Void> after = CompletableFuture.completedFuture(null);

    @Override
    public long dueInNanos(long now) {
      return due.get() ? 0 : Long.MAX_VALUE;
    }

    @Override
    public void run(Connection c) throws SQLException {
      afterWasDone.add(after.isDone());
      try (Statement s = c.createStatement()) {
        s.executeUpdate("INSERT INTO t VALUES (2)");
      }
      if (fail.get()) {
        throw new SQLException("chore failed");
      }
      due.set(false);
      runs.incrementAndGet();
    }

    @Override
    public void failed() {
      failures.incrementAndGet();
      due.set(false);
    }
  }

  void startWith(Chore chore) throws SQLException {
    writer =
        new GroupCommitWriter(
            WriteConnection.kept(connection, System::nanoTime),
            new GroupCommitWriter.Limits(1000, 512, 0, 0),
            () -> {},
            (size, nanos) -> batches.add(size),
            chore,
            System::nanoTime);
  }

  @Test
  void dueHousekeepingRunsAfterTheBatchHasBeenAcknowledgedInATransactionOfItsOwn()
      throws Exception {
    Chore chore = new Chore();
    startWith(chore);
    Insert write =
        new Insert() {
          @Override
          public void apply(Connection c) throws SQLException {
            super.apply(c);
            chore.due.set(true);
          }
        };
    chore.after = write.done;
    writer.submit(write);
    write.done.get(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> chore.runs.get() == 1);
    assertThat(chore.afterWasDone).containsExactly(true);
    assertThat(batches).containsExactly(1);
    assertThat(rows()).isEqualTo(2);
  }

  @Test
  void housekeepingThatFallsDueWhileTheQueueIsIdleRunsWithoutAnyWrite() throws Exception {
    Chore chore = new Chore();
    startWith(chore);
    chore.due.set(true);
    await().atMost(Duration.ofSeconds(10)).until(() -> chore.runs.get() == 1);
    assertThat(batches).isEmpty();
    assertThat(rows()).isEqualTo(1);
  }

  @Test
  void failedHousekeepingIsRolledBackAndToldAndWritesGoOn() throws Exception {
    Chore chore = new Chore();
    startWith(chore);
    chore.fail.set(true);
    chore.due.set(true);
    await().atMost(Duration.ofSeconds(10)).until(() -> chore.failures.get() == 1);
    Insert write = new Insert();
    writer.submit(write);
    write.done.get(10, TimeUnit.SECONDS);
    assertThat(rows()).as("the failed chore's row was rolled back").isEqualTo(1);
  }

  /**
   * A run that inserts one row per write with a single statement and records the size of each call;
   * {@code fail} makes the call throw after its insert.
   */
  static final class Together implements GroupCommitWriter.Run {
    final List<Integer> calls = new CopyOnWriteArrayList<>();
    final AtomicBoolean fail = new AtomicBoolean();

    @Override
    public void applyAll(Connection c, List<GroupCommitWriter.Op> ops) throws SQLException {
      calls.add(ops.size());
      try (Statement s = c.createStatement()) {
        s.executeUpdate(
            "INSERT INTO t VALUES " + String.join(",", Collections.nCopies(ops.size(), "(1)")));
      }
      for (GroupCommitWriter.Op op : ops) {
        ((Keyed) op).together.set(true);
      }
      if (fail.get()) {
        throw new SQLException("the run failed");
      }
    }
  }

  /** An insert ordered by {@code key}, in {@code run}; {@code together} says a run applied it. */
  static final class Keyed extends Insert {
    final String key;
    final GroupCommitWriter.Run run;
    final AtomicBoolean together = new AtomicBoolean();

    Keyed(String key, GroupCommitWriter.Run run) {
      this.key = key;
      this.run = run;
    }

    @Override
    public String orderKey() {
      return key;
    }

    @Override
    public GroupCommitWriter.Run run() {
      return run;
    }
  }

  @Test
  void writesNextToEachOtherThatNameOneRunAreAppliedByItInOneCallAndAnyOtherAlone()
      throws Exception {
    start(Duration.ZERO);
    Together run = new Together();
    Blocker blocker = holdTheWriter();
    // Sorted by key: a b c (the run's three) | d (alone) | e (the run's, but alone: no neighbour).
    List<Keyed> writes =
        List.of(
            new Keyed("c", run),
            new Keyed("a", run),
            new Keyed("e", run),
            new Keyed("d", null),
            new Keyed("b", run));
    writes.forEach(writer::submit);
    blocker.release.countDown();
    CompletableFuture.allOf(writes.stream().map(w -> w.done).toArray(CompletableFuture[]::new))
        .get(10, TimeUnit.SECONDS);

    assertThat(run.calls).containsExactly(3);
    assertThat(writes.stream().map(w -> w.key + "=" + w.together.get()))
        .containsExactly("c=true", "a=true", "e=false", "d=false", "b=true");
    assertThat(batches).containsExactly(1, 5);
    assertThat(rows()).isEqualTo(6);
  }

  @Test
  void aRunThatFailsIsRolledBackAndItsWritesAreRetriedOneByOne() throws Exception {
    start(Duration.ZERO);
    Together run = new Together();
    run.fail.set(true);
    Blocker blocker = holdTheWriter();
    List<Keyed> writes = List.of(new Keyed("a", run), new Keyed("b", run));
    writes.forEach(writer::submit);
    blocker.release.countDown();
    CompletableFuture.allOf(writes.get(0).done, writes.get(1).done).get(10, TimeUnit.SECONDS);

    assertThat(run.calls).containsExactly(2);
    assertThat(batches).as("the blocker, then each write alone").containsExactly(1, 1, 1);
    assertThat(rows()).as("the run's rows rolled back, each write's own kept").isEqualTo(3);
  }

  @Test
  void completedApartTheNextBatchRunsWhileTheOneBeforeIsCompletedAndCompletionsKeepTheirOrder()
      throws Exception {
    startCompletingApart();
    List<String> completed = new CopyOnWriteArrayList<>();
    HeldAtCompletion first = new HeldAtCompletion(completed, "first");
    Insert second =
        new Insert() {
          @Override
          public void committed() {
            completed.add("second");
            super.committed();
          }
        };
    writer.submit(first);
    assertThat(first.completing.await(10, TimeUnit.SECONDS)).isTrue();
    writer.submit(second);
    await().atMost(Duration.ofSeconds(10)).until(() -> batches.size() == 2);
    assertThat(second.applied).as("committed while the first is being completed").isTrue();
    assertThat(second.done).as("completed only after the first").isNotDone();

    first.release.countDown();
    CompletableFuture.allOf(first.done, second.done).get(10, TimeUnit.SECONDS);
    assertThat(completed).containsExactly("first on parley-store-completer", "second");
  }

  @Test
  void completedApartAFailedWriteIsToldAfterTheWritesCommittedBeforeIt() throws Exception {
    startCompletingApart();
    List<String> told = new CopyOnWriteArrayList<>();
    HeldAtCompletion first = new HeldAtCompletion(told, "first committed");
    Insert failing =
        new Insert() {
          @Override
          public void apply(Connection c) throws SQLException {
            throw new SQLException("no such table", "42P01");
          }

          @Override
          public void failed(Throwable t) {
            told.add("second failed on " + Thread.currentThread().getName());
            super.failed(t);
          }
        };
    writer.submit(first);
    assertThat(first.completing.await(10, TimeUnit.SECONDS)).isTrue();
    writer.submit(failing);
    Insert third = new Insert(); // the writer has moved past the failure once this one commits
    writer.submit(third);
    await().atMost(Duration.ofSeconds(10)).until(() -> batches.size() == 2);
    assertThat(failing.done).as("not told before the write committed before it").isNotDone();

    first.release.countDown();
    CompletableFuture.allOf(first.done, third.done).get(10, TimeUnit.SECONDS);
    assertThat(failing.done).isCompletedExceptionally();
    assertThat(told)
        .containsExactly(
            "first committed on parley-store-completer", "second failed on parley-store-completer");
  }

  long rows() throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("w.db"));
        Statement s = c.createStatement();
        var rs = s.executeQuery("SELECT count(*) FROM t")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
