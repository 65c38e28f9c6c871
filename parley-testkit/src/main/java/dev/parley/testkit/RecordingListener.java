package dev.parley.testkit;

import dev.parley.client.ParleyClient;
import dev.parley.client.ParleyListener;
import dev.parley.protocol.Push;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * Records what a {@link ParleyClient} delivers, two ways: lists of everything so far ({@link
 * #messages()}, {@link #events()}, …), and a queue of callbacks in the order they came that a test
 * takes one by one ({@link #next}, {@link #nextOf}, {@link #nextMessage}) and ends with {@link
 * #assertNoMoreEvents}, in the style of OkHttp's recording listeners. The queue holds each {@link
 * Push.Message}, event, {@link Push.ContinuityLost} and {@link Push.Error} as delivered, and each
 * state change as a {@link StateChange}; {@link #events()} lists the continuity losses too.
 *
 * <p>Thread-safe: the client's thread records, a test's thread reads; every list is guarded by
 * {@code this} and the getters return copies; the queue is a concurrent one.
 */
public final class RecordingListener implements ParleyListener {
  /**
   * How long {@link #next} and its kin wait for a callback: generous for a loaded machine, so a
   * time-out means the callback did not come, not that it was slow.
   */
  public static final Duration WAIT = Duration.ofSeconds(10);

  /** A recorded {@link ParleyListener#onStateChange}. */
  public record StateChange(ParleyClient.State from, ParleyClient.State to) {}

  private final List<Push.Message> messages = new ArrayList<>();
  private final List<Push> events = new ArrayList<>();
  private final List<ParleyClient.State> states = new ArrayList<>();
  private final List<Push.Error> errors = new ArrayList<>();

  /** Callbacks not yet taken by {@link #next} and its kin, oldest first. */
  private final BlockingQueue<Object> unread = new LinkedBlockingQueue<>();

  @Override
  public synchronized void onMessage(Push.Message message) {
    messages.add(message);
    unread.add(message);
  }

  @Override
  public synchronized void onStateChange(ParleyClient.State from, ParleyClient.State to) {
    states.add(to);
    unread.add(new StateChange(from, to));
  }

  @Override
  public synchronized void onEvent(Push event) {
    events.add(event);
    unread.add(event);
  }

  @Override
  public synchronized void onContinuityLost(Push.ContinuityLost lost) {
    events.add(lost);
    unread.add(lost);
  }

  @Override
  public synchronized void onError(Push.Error error) {
    errors.add(error);
    unread.add(error);
  }

  /**
   * Takes the next callback, waiting up to {@link #WAIT}; it must be a {@code type}.
   *
   * @throws AssertionError when nothing came in time, or something else came first
   */
  public <T> T next(Class<T> type) {
    return next(type, WAIT);
  }

  /** {@link #next(Class)}, waiting up to {@code wait}. */
  public <T> T next(Class<T> type, Duration wait) {
    Object o = take(wait);
    if (o == null) {
      throw new AssertionError(
          "no callback within " + wait.toMillis() + " ms; expected a " + type.getSimpleName());
    }
    if (!type.isInstance(o)) {
      throw new AssertionError("expected a " + type.getSimpleName() + ", got " + o);
    }
    return type.cast(o);
  }

  /**
   * Takes callbacks until one is a {@code type}, waiting up to {@link #WAIT} in all; the others are
   * skipped (they stay in the lists).
   */
  public <T> T nextOf(Class<T> type) {
    return nextOf(type, t -> true);
  }

  /**
   * Takes callbacks until one is a {@code type} that {@code matches}, waiting up to {@link #WAIT}
   * in all; the others are skipped.
   *
   * @throws AssertionError when none came in time, naming the callbacks skipped
   */
  public <T> T nextOf(Class<T> type, Predicate<? super T> matches) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    List<Object> skipped = new ArrayList<>();
    while (true) {
      Object o = take(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
      if (o == null) {
        throw new AssertionError(
            "no matching "
                + type.getSimpleName()
                + " within "
                + WAIT.toMillis()
                + " ms; skipped "
                + skipped);
      }
      if (type.isInstance(o) && matches.test(type.cast(o))) {
        return type.cast(o);
      }
      skipped.add(o);
    }
  }

  /** The next message, skipping other callbacks ({@link #nextOf}). */
  public Push.Message nextMessage() {
    return nextOf(Push.Message.class);
  }

  /**
   * Asserts that every callback so far was taken. {@code fence} is the client this listener
   * records: a CONNECTED one is pinged first, so whatever the server sent before its {@code pong}
   * is in the queue by then; a CLOSED one gives no more callbacks (asking its state waits for its
   * thread).
   *
   * @throws AssertionError when callbacks are left, or the fence is neither CONNECTED nor CLOSED
   */
  public void assertNoMoreEvents(ParleyClient fence) {
    if (fence.state() != ParleyClient.State.CLOSED) {
      try {
        fence.ping().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException | TimeoutException e) {
        throw new AssertionError("the fence's ping got no pong (is the fence CONNECTED?)", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
    List<Object> left = new ArrayList<>();
    unread.drainTo(left);
    if (!left.isEmpty()) {
      throw new AssertionError("callbacks not taken: " + left);
    }
  }

  private Object take(Duration wait) {
    try {
      return unread.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  public synchronized List<Push.Message> messages() {
    return List.copyOf(messages);
  }

  /** Messages of one conversation, in the order delivered. */
  public synchronized List<Push.Message> messages(String conv) {
    return messages.stream().filter(m -> m.conv().equals(conv)).toList();
  }

  public synchronized List<Push> events() {
    return List.copyOf(events);
  }

  public synchronized List<ParleyClient.State> states() {
    return List.copyOf(states);
  }

  public synchronized List<Push.Error> errors() {
    return List.copyOf(errors);
  }

  /** How many times the client reached CONNECTED. */
  public synchronized long connections() {
    return states.stream().filter(s -> s == ParleyClient.State.CONNECTED).count();
  }
}
