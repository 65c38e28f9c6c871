package dev.parley.core;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One session's subscription to one conversation: the server half of delivery-contract rule 3
 * (replay, then live, no gap, no duplicate) and rule 7 (seq order).
 *
 * <p>It holds {@code delivered}, the highest seq written to the client. A live message with the
 * next seq is written at once; one at or below {@code delivered} is dropped; one further ahead
 * means something is missing (a resume position, a broker that interleaved nodes, a lost broker
 * event), so it is parked and the missing range is read from the store ("catch-up"), then the
 * parked messages follow. Resume is just a catch-up that starts at the client's position.
 *
 * <p>Live events come in batches from the {@link LocalHub}'s {@link LoopDelivery}: {@link #offer}
 * writes without flushing, and the batch flushes a subscription that wrote once, after its last
 * event and before the next subscription's turn ({@link #flush}); the batch counts the live
 * deliveries. Catch-up writes the same way and flushes at the end of each page.
 *
 * <p>Not thread-safe: confined to the session's executor ({@link #executor}). {@link #resync} is
 * the only method called from other threads, and it only hops. Bounded: at most {@link #MAX_PARKED}
 * parked messages (and as many early ephemeral frames); the connection's outbound buffer is the
 * transport's to bound (a slow consumer is closed with 4503).
 */
final class ConversationSubscription implements Subscription {
  private static final Logger log = LoggerFactory.getLogger(ConversationSubscription.class);

  /** Parked live messages beyond this count are dropped; catch-up reads them from the store. */
  private static final int MAX_PARKED = 1024;

  /** Catch-ups in a row that may find nothing new before a gap is declared unrepairable. */
  private static final int MAX_FRUITLESS_CATCH_UPS = 5;

  private final Session session;
  private final String conversation;

  /** Highest seq written to the client. Confined to the session executor. */
  private long delivered;

  /** True from creation until the join completes, and while a catch-up read is running. */
  private boolean catchingUp = true;

  /** False once left or closed: nothing more is written. */
  private boolean active = true;

  private int fruitlessCatchUps;

  /** Live messages ahead of {@code delivered}, by seq. Confined to the session executor. */
  private final TreeMap<Long, BrokerEvent> parked = new TreeMap<>();

  /**
   * Ephemeral events that arrived before the join finished: they go out after {@code joined} and
   * the state snapshot, never before (a streamed answer's deltas must follow the text so far). Null
   * once started. Confined to the session executor.
   */
  private List<byte[]> earlyEphemeral = new ArrayList<>();

  ConversationSubscription(Session session, String conversation) {
    this.session = session;
    this.conversation = conversation;
  }

  @Override
  public String conversation() {
    return conversation;
  }

  @Override
  public long delivered() {
    return delivered;
  }

  @Override
  public Executor executor() {
    return session.executor();
  }

  /**
   * A live event, on the session's executor, inside a delivery batch: writes what it should without
   * flushing and answers whether it wrote anything, so that the batch {@link #flush}es it once.
   */
  @Override
  public boolean offer(BrokerEvent event) {
    return onEvent(event);
  }

  /** Makes what {@link #offer} wrote leave. On the session's executor. */
  @Override
  public void flush() {
    session.connection().flush();
  }

  /** Called on a broker thread after a broker outage: catch up from the store. */
  @Override
  public void resync() {
    session
        .executor()
        .execute(
            () -> {
              if (active && !catchingUp) {
                catchUp();
              }
            });
  }

  /** Stops all writes from this subscription. */
  @Override
  public void deactivate() {
    active = false;
    parked.clear();
  }

  @Override
  public boolean isActive() {
    return active;
  }

  /** The join is registered with the broker and the store position is known: start replaying. */
  void start(long fromSeq) {
    List<byte[]> early = earlyEphemeral;
    earlyEphemeral = null;
    for (byte[] frame : early) {
      session.connection().send(frame);
    }
    delivered = fromSeq;
    parked.headMap(delivered, true).clear();
    catchUp();
  }

  /** Handles one live event, writing unflushed; true when it wrote a frame. */
  private boolean onEvent(BrokerEvent event) {
    if (!active) {
      return false;
    }
    if (event.kind() == BrokerEvent.Kind.EPHEMERAL) {
      if (!event.audience().includes(event.user(), session.principal().user())) {
        return false;
      }
      if (earlyEphemeral != null) {
        if (earlyEphemeral.size() < MAX_PARKED) {
          earlyEphemeral.add(event.frame());
        }
        return false;
      }
      session.connection().write(event.frame());
      return true;
    }
    if (event.kind() == BrokerEvent.Kind.WINDOWED) {
      return false; // an ephemeral stream's message: it was never stored (the namespace changed)
    }
    long seq = event.seq();
    if (seq <= delivered) {
      return false;
    }
    if (catchingUp) {
      park(event);
      return false;
    }
    if (seq == delivered + 1) {
      write(seq, event.frame()); // counted by the batch (LoopDelivery), with the loop's others
      return true;
    }
    park(event);
    catchUp();
    return false;
  }

  private void park(BrokerEvent event) {
    if (parked.size() < MAX_PARKED) {
      parked.put(event.seq(), event);
    }
  }

  /** Writes a live message that was parked, and counts its delivery. */
  private void writeParked(BrokerEvent event) {
    write(event.seq(), event.frame());
    if (event.ttlMillis() > 0) {
      Node node = session.node();
      node.metrics().messagesDelivered(1, node.clock().millis() - event.ttlMillis());
    }
  }

  /** Queues {@code frame} unflushed: the caller flushes (a batch's end, a page's last send). */
  private void write(long seq, byte[] frame) {
    session.connection().write(frame);
    delivered = seq;
  }

  private void catchUp() {
    catchingUp = true;
    long from = delivered;
    Node node = session.node();
    node.store()
        .readExecutor()
        .execute(
            () -> {
              List<StoredMessage> page;
              try {
                page = node.store().readAfter(conversation, from, node.config().replayPageSize());
              } catch (RuntimeException e) {
                log.warn("replay read failed for {}; retrying", conversation, e);
                page = null;
              }
              List<StoredMessage> result = page;
              session.executor().execute(() -> onPage(result));
            });
  }

  private void onPage(List<StoredMessage> page) {
    if (!active) {
      return;
    }
    if (page == null) {
      session.node().retryLater(session.executor(), this::catchUp);
      return;
    }
    long before = delivered;
    byte[] last = null;
    int replayedCount = 0;
    for (StoredMessage m : page) {
      if (m.seq() == delivered + 1) {
        replayedCount++;
        last = session.node().encodeMessage(m);
        if (m.seq() != page.get(page.size() - 1).seq()) {
          write(m.seq(), last);
          last = null;
        } else {
          delivered = m.seq();
        }
      }
    }
    parked.headMap(delivered, true).clear();
    if (replayedCount > 0) {
      session.node().metrics().replayed(replayedCount);
    }
    boolean more = page.size() == session.node().config().replayPageSize();
    if (last != null) {
      // Read the next page only once this one is written: the socket sets the pace. The send
      // flushes the page's earlier writes with it.
      session.connection().send(last, more ? this::catchUp : this::finishCatchUp);
    } else {
      if (delivered != before) {
        session.connection().flush();
      }
      if (more) {
        catchUp();
      } else {
        finishCatchUp();
      }
    }
    fruitlessCatchUps = delivered > before ? 0 : fruitlessCatchUps + 1;
  }

  /** After the last page: the parked messages that follow it, then live; flushed once. */
  private void finishCatchUp() {
    long before = delivered;
    drainParked();
    if (delivered != before && active) {
      session.connection().flush();
    }
  }

  private void drainParked() {
    if (!active) {
      return;
    }
    while (!parked.isEmpty() && parked.firstKey() == delivered + 1) {
      writeParked(parked.pollFirstEntry().getValue());
    }
    parked.headMap(delivered, true).clear();
    if (parked.isEmpty()) {
      catchingUp = false;
      return;
    }
    // A parked message is ahead of what the store returned: its predecessor committed after our
    // read began. Read again; a store that never shows it is a bug, reported and skipped.
    if (fruitlessCatchUps >= MAX_FRUITLESS_CATCH_UPS) {
      log.error(
          "seq {} of {} never appeared in the store; skipping to {}",
          delivered + 1,
          conversation,
          parked.firstKey());
      delivered = parked.firstKey() - 1;
      fruitlessCatchUps = 0;
      drainParked();
      return;
    }
    catchUp();
  }
}
