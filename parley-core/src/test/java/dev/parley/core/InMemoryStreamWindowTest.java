package dev.parley.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The window contract in memory, and the bounds of this implementation's memory. */
class InMemoryStreamWindowTest extends StreamWindowContract {
  private static final StreamWindow.Limits ONE = new StreamWindow.Limits(1, Duration.ofMinutes(1));

  @Override
  protected StreamWindow open() {
    return new InMemoryStreamWindow(now::get);
  }

  @Override
  protected boolean shared() {
    return false;
  }

  @Override
  protected void loseEverything() {
    nodeA.close();
    nodeA = open();
    nodeB = nodeA;
  }

  @Test
  void readsAloneSweepStreamsOnlyReadButKeepWrittenOnes() throws Exception {
    InMemoryStreamWindow w = new InMemoryStreamWindow(now::get);
    StreamWindow.Position written = get(w.append("written", ONE, template("x")));
    for (int i = 0; i < 100; i++) {
      get(w.since("joined-" + i, ONE, null, StreamWindow.LIVE));
    }
    assertThat(w.size()).isEqualTo(101);
    assertThat(w.unwritten()).isEqualTo(100);
    now.addAndGet(StreamWindow.UNWRITTEN_KEEP.toMillis() + 1000);
    for (int i = 0; i < InMemoryStreamWindow.SWEEP_EVERY; i++) { // reads alone, a sweep's period
      get(w.since("reread", ONE, null, StreamWindow.LIVE));
    }
    assertThat(w.size()).as("written and reread are left").isEqualTo(2);
    assertThat(w.unwritten()).isEqualTo(1);
    assertThat(get(w.since("written", ONE, written.epoch(), 1)).continuous()).isTrue();
    w.close();
  }

  @Test
  void aSweepLooksAtABoundedNumberOfStreamsAndGoesOnWhereTheLastOneStopped() throws Exception {
    InMemoryStreamWindow w = new InMemoryStreamWindow(now::get);
    int many = 5 * InMemoryStreamWindow.SWEEP_STEP;
    for (int i = 0; i < many; i++) {
      get(w.since("joined-" + i, ONE, null, StreamWindow.LIVE));
    }
    now.addAndGet(StreamWindow.UNWRITTEN_KEEP.toMillis() + 1000);
    for (int i = 0; i < InMemoryStreamWindow.SWEEP_EVERY; i++) {
      get(w.since("reread", ONE, null, StreamWindow.LIVE));
    }
    assertThat(w.size())
        .as("one sweep forgets at most a step of idle streams, not the whole map")
        .isBetween(many + 1 - InMemoryStreamWindow.SWEEP_STEP, many);
    for (int i = 0; i < 6 * InMemoryStreamWindow.SWEEP_EVERY; i++) {
      get(w.since("reread", ONE, null, StreamWindow.LIVE));
    }
    assertThat(w.size()).as("later sweeps go on round the map").isEqualTo(1);
    assertThat(w.unwritten()).isEqualTo(1);
    w.close();
  }

  @Test
  void unwrittenStreamsAreCappedByEvictingThemButWrittenStreamsAreNeverEvicted() throws Exception {
    InMemoryStreamWindow w = new InMemoryStreamWindow(now::get, 100);
    List<StreamWindow.Position> written = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      written.add(get(w.append("written-" + i, ONE, template("x"))));
    }
    assertThat(w.unwritten()).isZero();
    for (int i = 0; i < 100; i++) {
      get(w.since("joined-" + i, ONE, null, StreamWindow.LIVE));
    }
    assertThat(w.unwritten()).isEqualTo(100);
    get(w.since("one-more", ONE, null, StreamWindow.LIVE));
    assertThat(w.unwritten()).as("evicted down to 90, then one made").isEqualTo(91);
    assertThat(w.size()).isEqualTo(101);
    for (int i = 0; i < 1000; i++) {
      get(w.since("many-" + i, ONE, null, StreamWindow.LIVE));
      assertThat(w.unwritten()).isLessThanOrEqualTo(100);
    }
    for (int i = 0; i < 10; i++) {
      StreamWindow.Replay r = get(w.since("written-" + i, ONE, written.get(i).epoch(), 1));
      assertThat(r.continuous()).isTrue();
      assertThat(r.epoch()).isEqualTo(written.get(i).epoch());
    }
    w.close();
  }

  @Test
  void aReadOfAStreamAlreadyHeldDoesNotEvictAtTheCap() throws Exception {
    InMemoryStreamWindow w = new InMemoryStreamWindow(now::get, 10);
    List<String> epochs = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      epochs.add(get(w.since("joined-" + i, ONE, null, StreamWindow.LIVE)).epoch());
    }
    for (int i = 0; i < 10; i++) {
      assertThat(get(w.since("joined-" + i, ONE, null, StreamWindow.LIVE)).epoch())
          .isEqualTo(epochs.get(i));
    }
    assertThat(w.unwritten()).isEqualTo(10);
    get(w.append("joined-3", ONE, template("x")));
    assertThat(w.unwritten()).as("appended to: no longer unwritten").isEqualTo(9);
    w.close();
  }
}
