package dev.parley.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The guarantees of {@link StreamWindow}; two handles stand for two nodes, and a clock the test
 * moves stands for time.
 */
@Timeout(60)
public abstract class StreamWindowContract {
  protected final AtomicLong now = new AtomicLong(1_800_000_000_000L);
  protected StreamWindow nodeA;
  protected StreamWindow nodeB;
  private final String ns = "w" + System.nanoTime() + ":";
  private static final StreamWindow.Limits FIVE =
      new StreamWindow.Limits(5, Duration.ofSeconds(60));

  /** A handle on the implementation whose ages are read from {@link #now}. */
  protected abstract StreamWindow open() throws Exception;

  /** Whether two {@link #open}ed handles share their windows (a cluster). */
  protected abstract boolean shared();

  /** Loses every window, as a restart of the only node or of Redis does; reopens the handles. */
  protected abstract void loseEverything() throws Exception;

  @BeforeEach
  void setUp() throws Exception {
    nodeA = open();
    nodeB = shared() ? open() : nodeA;
  }

  @AfterEach
  void tearDown() {
    nodeA.close();
    if (nodeB != nodeA) {
      nodeB.close();
    }
  }

  static <T> T get(CompletableFuture<T> f) throws Exception {
    return f.get(10, TimeUnit.SECONDS);
  }

  static StreamWindow.Template template(String text) {
    return new StreamWindow.Template(
        "{\"seq\":".getBytes(StandardCharsets.UTF_8),
        (",\"text\":\"" + text + "\"}").getBytes(StandardCharsets.UTF_8));
  }

  static List<String> frames(StreamWindow.Replay r) {
    return r.entries().stream().map(e -> new String(e.frame(), StandardCharsets.UTF_8)).toList();
  }

  @Test
  void aPageBackFromASeqHoldsTheNewestBelowItAndSaysWhetherTheWindowHoldsOlder() throws Exception {
    String s = ns + "page";
    StreamWindow.Position first = null;
    for (int i = 1; i <= 7; i++) { // the window keeps 5: seqs 3-7
      StreamWindow.Position p =
          get((i % 2 == 0 ? nodeB : nodeA).append(s, FIVE, template("m" + i)));
      first = first == null ? p : first;
    }
    StreamWindow.Page newest = get(nodeB.before(s, FIVE, StreamWindow.LIVE, 2));
    assertThat(newest.epoch()).isEqualTo(first.epoch());
    assertThat(newest.entries()).extracting(StreamWindow.Entry::seq).containsExactly(6L, 7L);
    assertThat(new String(newest.entries().get(0).frame(), StandardCharsets.UTF_8))
        .isEqualTo("{\"seq\":6,\"text\":\"m6\"}");
    assertThat(newest.more()).isTrue();

    StreamWindow.Page older = get(nodeA.before(s, FIVE, 6, 2));
    assertThat(older.entries()).extracting(StreamWindow.Entry::seq).containsExactly(4L, 5L);
    assertThat(older.more()).isTrue();
    StreamWindow.Page oldest = get(nodeA.before(s, FIVE, 4, 2));
    assertThat(oldest.entries()).extracting(StreamWindow.Entry::seq).containsExactly(3L);
    assertThat(oldest.more()).isFalse();
    assertThat(get(nodeB.before(s, FIVE, 3, 2)).entries()).isEmpty();
    assertThat(get(nodeB.before(s, FIVE, StreamWindow.LIVE, 50)).entries()).hasSize(5);

    StreamWindow.Page nothing = get(nodeA.before(ns + "never-written", FIVE, 10, 5));
    assertThat(nothing.entries()).isEmpty();
    assertThat(nothing.more()).isFalse();
    assertThat(nothing.epoch()).isNotBlank();
  }

  @Test
  void appendsAreNumberedWithoutGapsAndAReaderGetsExactlyWhatFollowsItsPosition() throws Exception {
    String s = ns + "a";
    StreamWindow.Position p1 = get(nodeA.append(s, FIVE, template("one")));
    StreamWindow.Position p2 = get(nodeB.append(s, FIVE, template("two")));
    StreamWindow.Position p3 = get(nodeA.append(s, FIVE, template("three")));
    assertThat(List.of(p1.seq(), p2.seq(), p3.seq())).containsExactly(1L, 2L, 3L);
    assertThat(p2.epoch()).isEqualTo(p1.epoch()).isEqualTo(p3.epoch());

    StreamWindow.Replay r = get(nodeB.since(s, FIVE, p1.epoch(), 1));
    assertThat(r.continuous()).isTrue();
    assertThat(r.lastSeq()).isEqualTo(3);
    assertThat(r.from()).isEqualTo(1);
    assertThat(r.entries()).extracting(StreamWindow.Entry::seq).containsExactly(2L, 3L);
    assertThat(frames(r))
        .containsExactly("{\"seq\":2,\"text\":\"two\"}", "{\"seq\":3,\"text\":\"three\"}");
    StreamWindow.Replay upToDate = get(nodeA.since(s, FIVE, p1.epoch(), 3));
    assertThat(upToDate.continuous()).isTrue();
    assertThat(upToDate.entries()).isEmpty();
    assertThat(upToDate.from()).isEqualTo(3);
  }

  @Test
  void aReaderWithoutAnEpochIsContinuousOnlyFromTheStart() throws Exception {
    String s = ns + "b";
    StreamWindow.Replay fresh = get(nodeA.since(s, FIVE, null, 0));
    assertThat(fresh.continuous()).isTrue();
    assertThat(fresh.lastSeq()).isZero();
    StreamWindow.Position p = get(nodeB.append(s, FIVE, template("x")));
    assertThat(p.epoch()).isEqualTo(fresh.epoch());
    assertThat(get(nodeA.since(s, FIVE, null, 0)).entries()).hasSize(1);
    StreamWindow.Replay guessed = get(nodeA.since(s, FIVE, null, 1));
    assertThat(guessed.continuous()).isFalse();
    assertThat(get(nodeA.since(s, FIVE, "another-epoch", 1)).continuous()).isFalse();
  }

  @Test
  void theWindowKeepsTheNewestMessagesAndAReaderBehindItIsToldContinuityWasLost() throws Exception {
    String s = ns + "c";
    String epoch = null;
    for (int i = 1; i <= 8; i++) {
      epoch = get(nodeA.append(s, FIVE, template("m" + i))).epoch();
    }
    StreamWindow.Replay inside = get(nodeB.since(s, FIVE, epoch, 3));
    assertThat(inside.continuous()).isTrue();
    assertThat(inside.entries())
        .extracting(StreamWindow.Entry::seq)
        .containsExactly(4L, 5L, 6L, 7L, 8L);
    StreamWindow.Replay behind = get(nodeB.since(s, FIVE, epoch, 2));
    assertThat(behind.continuous()).isFalse();
    assertThat(behind.epoch()).isEqualTo(epoch);
    assertThat(behind.from()).isEqualTo(3);
    assertThat(behind.entries())
        .extracting(StreamWindow.Entry::seq)
        .containsExactly(4L, 5L, 6L, 7L, 8L);
  }

  @Test
  void messagesOlderThanTheTimeToLiveAreDroppedButTheEpochAndSeqStay() throws Exception {
    String s = ns + "d";
    String epoch = get(nodeA.append(s, FIVE, template("old"))).epoch();
    now.addAndGet(30_000);
    get(nodeA.append(s, FIVE, template("newer")));
    now.addAndGet(31_000);
    StreamWindow.Replay r = get(nodeB.since(s, FIVE, epoch, 0));
    assertThat(r.continuous()).isFalse();
    assertThat(r.entries()).extracting(StreamWindow.Entry::seq).containsExactly(2L);
    now.addAndGet(60_000);
    StreamWindow.Replay empty = get(nodeB.since(s, FIVE, epoch, 1));
    assertThat(empty.continuous()).isFalse();
    assertThat(empty.entries()).isEmpty();
    assertThat(empty.from()).isEqualTo(2);
    assertThat(get(nodeB.since(s, FIVE, epoch, 2)).continuous()).isTrue();
    StreamWindow.Position next = get(nodeA.append(s, FIVE, template("next")));
    assertThat(next).isEqualTo(new StreamWindow.Position(epoch, 3));
  }

  @Test
  void aLostWindowStartsANewEpochAndOldPositionsAreNotContinuous() throws Exception {
    String s = ns + "e";
    StreamWindow.Position before = get(nodeA.append(s, FIVE, template("x")));
    get(nodeA.append(s, FIVE, template("y")));
    loseEverything();
    StreamWindow.Replay r = get(nodeB.since(s, FIVE, before.epoch(), 2));
    assertThat(r.continuous()).isFalse();
    assertThat(r.epoch()).isNotEqualTo(before.epoch());
    assertThat(r.lastSeq()).isZero();
    StreamWindow.Position after = get(nodeA.append(s, FIVE, template("z")));
    assertThat(after).isEqualTo(new StreamWindow.Position(r.epoch(), 1));
  }

  @Test
  void aLiveReaderGetsTheEpochAndTheLastSeqButNoHistory() throws Exception {
    String s = ns + "g";
    StreamWindow.Position p = get(nodeA.append(s, FIVE, template("x")));
    get(nodeA.append(s, FIVE, template("y")));
    StreamWindow.Replay live = get(nodeB.since(s, FIVE, null, StreamWindow.LIVE));
    assertThat(live.continuous()).isTrue();
    assertThat(live.entries()).isEmpty();
    assertThat(live.epoch()).isEqualTo(p.epoch());
    assertThat(live.from()).isEqualTo(2);
  }

  @Test
  void aStreamOnlyReadIsForgottenUnwrittenKeepAfterItsLastReadAndAnAppendThenMakesANewEpoch()
      throws Exception {
    String s = ns + "h";
    long keep = StreamWindow.UNWRITTEN_KEEP.toMillis();
    String joined = get(nodeA.since(s, FIVE, null, StreamWindow.LIVE)).epoch();
    now.addAndGet(keep - 1000);
    assertThat(get(nodeB.since(s, FIVE, null, StreamWindow.LIVE)).epoch())
        .as("a read keeps it")
        .isEqualTo(joined);
    now.addAndGet(keep - 1000);
    assertThat(get(nodeA.append(s, FIVE, template("kept"))))
        .isEqualTo(new StreamWindow.Position(joined, 1));

    String t = ns + "i";
    String forgotten = get(nodeA.since(t, FIVE, null, 0)).epoch();
    now.addAndGet(keep + 1000);
    StreamWindow.Position first = get(nodeB.append(t, FIVE, template("first")));
    assertThat(first.epoch()).isNotEqualTo(forgotten);
    assertThat(first.seq()).isEqualTo(1);
    StreamWindow.Replay holder = get(nodeA.since(t, FIVE, forgotten, 0));
    assertThat(holder.continuous()).as("the holder of the old epoch is told").isFalse();
    assertThat(holder.epoch()).isEqualTo(first.epoch());
    assertThat(holder.entries()).extracting(StreamWindow.Entry::seq).containsExactly(1L);
  }

  @Test
  void aStreamAppendedToOutlivesUnwrittenKeep() throws Exception {
    String s = ns + "j";
    StreamWindow.Position p = get(nodeA.append(s, FIVE, template("x")));
    now.addAndGet(StreamWindow.UNWRITTEN_KEEP.toMillis() + 60_000);
    StreamWindow.Replay r = get(nodeB.since(s, FIVE, p.epoch(), 1));
    assertThat(r.continuous()).isTrue();
    assertThat(r.epoch()).isEqualTo(p.epoch());
    now.addAndGet(StreamWindow.IDLE_KEEP.toMillis() - 1000);
    assertThat(get(nodeA.append(s, FIVE, template("y"))))
        .as("the read renewed it")
        .isEqualTo(new StreamWindow.Position(p.epoch(), 2));
    now.addAndGet(StreamWindow.IDLE_KEEP.toMillis() + 1000);
    assertThat(get(nodeB.append(s, FIVE, template("z"))).epoch())
        .as("idle longer than IDLE_KEEP")
        .isNotEqualTo(p.epoch());
  }

  @Test
  void streamsAreIndependent() throws Exception {
    get(nodeA.append(ns + "f1", FIVE, template("x")));
    get(nodeA.append(ns + "f1", FIVE, template("x")));
    assertThat(get(nodeB.append(ns + "f2", FIVE, template("y"))).seq()).isEqualTo(1);
  }

  @Test
  void eachAppendsContinuationRunsInTheStreamsSeqOrderWhicheverThreadAppended() throws Exception {
    String s = ns + "hot";
    int threads = 8;
    int perThread = 1_000;
    List<Long> seen = new ArrayList<>();
    List<CompletableFuture<Long>> all = new ArrayList<>();
    List<Thread> appenders = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      appenders.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    for (int i = 0; i < perThread; i++) {
                      CompletableFuture<Long> f =
                          nodeA.append(
                              s,
                              FIVE,
                              template("m"),
                              p -> {
                                synchronized (seen) {
                                  seen.add(p.seq());
                                }
                                return CompletableFuture.completedFuture(p.seq());
                              });
                      synchronized (all) {
                        all.add(f);
                      }
                    }
                  }));
    }
    for (Thread t : appenders) {
      t.join();
    }
    get(CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)));
    synchronized (seen) {
      assertThat(seen)
          .containsExactlyElementsOf(
              LongStream.rangeClosed(1, (long) threads * perThread).boxed().toList());
    }
    assertThat(all).extracting(CompletableFuture::join).doesNotHaveDuplicates();
  }

  @Test
  void aContinuationThatThrowsOrFailsFailsItsAppendsFutureAndTheMessageStaysInTheWindow()
      throws Exception {
    String s = ns + "broken";
    CompletableFuture<StreamWindow.Position> failed =
        nodeA.append(
            s,
            FIVE,
            template("kept"),
            p -> {
              throw new IllegalStateException("the continuation broke");
            });
    assertThatThrownBy(() -> get(failed)).hasCauseInstanceOf(IllegalStateException.class);
    CompletableFuture<StreamWindow.Position> stageFailed =
        nodeA.append(
            s,
            FIVE,
            template("kept too"),
            p -> CompletableFuture.failedFuture(new IllegalStateException("the publish failed")));
    assertThatThrownBy(() -> get(stageFailed)).hasCauseInstanceOf(IllegalStateException.class);
    assertThat(frames(get(nodeB.since(s, FIVE, null, 0))))
        .containsExactly("{\"seq\":1,\"text\":\"kept\"}", "{\"seq\":2,\"text\":\"kept too\"}");
  }
}
