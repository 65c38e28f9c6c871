package dev.parley.client;

import dev.parley.protocol.Command;
import dev.parley.protocol.Push;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The sends of one {@link ParleyClient} that wait for their ack ({@code docs/CLIENTS.md#outbox}),
 * oldest first. An entry is written when added while connected, again in order after each {@code
 * welcome} ({@link #sendAll}), and again whenever its ack is overdue ({@link #resendOverdue}). It
 * leaves the outbox with its {@code ack}, with the client's own {@code message} carrying its cid
 * (durable just as well: the ack may have been lost with a connection), or with an error that
 * refuses it for good; an error with {@code retry: true} keeps it for the next resend. An error
 * with {@code retryAfterMs} holds every send that long (the longest such wait wins): nothing is
 * written until it is over, then the waiting sends go out again oldest first.
 *
 * <p>Not thread-safe: confined to the client's thread, like all of the client's state.
 */
final class Outbox {
  /** One unacknowledged send. */
  private static final class Pending {
    final String cid;
    final String conv;
    final String text;
    final List<String> attachments;
    final CompletableFuture<Push.Ack> future;

    /** When it was last written (or refused as retryable), in {@code nanoTime} units. */
    long sentAt;

    Pending(
        String cid,
        String conv,
        String text,
        List<String> attachments,
        CompletableFuture<Push.Ack> future) {
      this.cid = cid;
      this.conv = conv;
      this.text = text;
      this.attachments = attachments;
      this.future = future;
    }
  }

  private final Duration ackTimeout;
  private final LongSupplier nanoTime;
  private final Consumer<Command> wire;

  /** Whether sends are held after a refusal with {@code retryAfterMs}, until {@link #heldUntil}. */
  private boolean held;

  /** When the hold ends, in {@code nanoTime} units. */
  private long heldUntil;

  /** The waiting sends by cid, in the order added. */
  private final LinkedHashMap<String, Pending> waiting = new LinkedHashMap<>();

  /**
   * @param ackTimeout how long an entry waits for its ack before it is written again
   * @param nanoTime the monotonic clock the time-out is measured on
   * @param wire writes a command on the current connection (and drops it when there is none)
   */
  Outbox(Duration ackTimeout, LongSupplier nanoTime, Consumer<Command> wire) {
    this.ackTimeout = ackTimeout;
    this.nanoTime = nanoTime;
    this.wire = wire;
  }

  /**
   * Adds a send, written at once when {@code connected}; {@code future} completes with its ack or
   * fails with its refusal. A cid already waiting is not added again: {@code future} then follows
   * the waiting send (one send, one ack).
   */
  void add(
      String cid, String conv, String text, CompletableFuture<Push.Ack> future, boolean connected) {
    add(cid, conv, text, List.of(), future, connected);
  }

  /**
   * Adds a send that carries the files {@code attachments} (ids of uploaded files); a text longer
   * than the server takes fails {@code future} with {@code too_long} at once.
   */
  void add(
      String cid,
      String conv,
      String text,
      List<String> attachments,
      CompletableFuture<Push.Ack> future,
      boolean connected) {
    ParleyException tooLong = ParleyException.ifTooLong(text, ParleyClient.MAX_TEXT_CODE_POINTS);
    if (tooLong != null) {
      future.completeExceptionally(tooLong); // the server would refuse it
      return;
    }
    Pending already = waiting.get(cid);
    if (already != null) {
      already.future.whenComplete(
          (ack, error) -> {
            if (error != null) {
              future.completeExceptionally(error);
            } else {
              future.complete(ack);
            }
          });
      return;
    }
    Pending p = new Pending(cid, conv, text, List.copyOf(attachments), future);
    waiting.put(cid, p);
    if (connected) {
      transmit(p);
    }
  }

  /** After a {@code welcome}: writes every waiting send again, oldest first. */
  void sendAll() {
    for (Pending p : waiting.values()) {
      transmit(p);
    }
  }

  /** Writes again, oldest first, each send whose ack is overdue (none while held). */
  void resendOverdue() {
    long now = nanoTime.getAsLong();
    if (held(now)) {
      return;
    }
    for (Pending p : waiting.values()) {
      if (now - p.sentAt > ackTimeout.toNanos()) {
        transmit(p);
      }
    }
  }

  /** An {@code ack}: settles the send with its cid, if it waits. */
  void acked(Push.Ack ack) {
    Pending p = waiting.remove(ack.cid());
    if (p != null) {
      p.future.complete(ack);
    }
  }

  /**
   * One of the client's own messages arrived: it settles the send with its cid as its ack would
   * (the ack may have been lost with a connection).
   */
  void ownMessage(Push.Message m) {
    Pending p = m.cid() == null ? null : waiting.remove(m.cid());
    if (p != null) {
      p.future.complete(new Push.Ack(null, m.cid(), m.conv(), m.seq(), m.id(), m.ts()));
    }
  }

  /**
   * An {@code error}: when it names a waiting send, a retryable one keeps it (written again after
   * the ack time-out, counted from now, or with {@code retryAfterMs} once that hold is over) and
   * any other fails its future.
   *
   * @return false when the error names no waiting send (it is the application's to see)
   */
  boolean refused(Push.Error e) {
    Pending p = e.cid() == null ? null : waiting.get(e.cid());
    if (p == null) {
      return false;
    }
    if (Boolean.TRUE.equals(e.retry())) {
      long now = nanoTime.getAsLong();
      p.sentAt = now;
      if (e.retryAfterMs() != null && e.retryAfterMs() > 0) {
        long until = now + Duration.ofMillis(e.retryAfterMs()).toNanos();
        heldUntil = held && heldUntil - until > 0 ? heldUntil : until;
        held = true;
        p.sentAt = now - ackTimeout.toNanos(); // due again as soon as the hold is over
      }
      return true;
    }
    waiting.remove(e.cid());
    p.future.completeExceptionally(new ParleyException(e.code(), e.message()));
    return true;
  }

  /** Fails every waiting send with {@code closed} and empties the outbox. */
  void failAll(String why) {
    for (Pending p : waiting.values()) {
      p.future.completeExceptionally(new ParleyException("closed", why));
    }
    waiting.clear();
  }

  /** How many sends wait for their ack. */
  int size() {
    return waiting.size();
  }

  /** Whether sends are held at {@code now}; a hold that is over ends here. */
  private boolean held(long now) {
    held = held && heldUntil - now > 0;
    return held;
  }

  private void transmit(Pending p) {
    long now = nanoTime.getAsLong();
    if (held(now)) {
      p.sentAt = now - ackTimeout.toNanos(); // written once the hold is over, in order
      return;
    }
    p.sentAt = now;
    wire.accept(new Command.Send(null, p.cid, p.conv, p.text, p.attachments));
  }
}
