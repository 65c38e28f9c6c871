package dev.parley.core;

import dev.parley.protocol.Push;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One session's subscription to one ephemeral stream: replay from the {@link StreamWindow}, then
 * live, no gap and no duplicate within an epoch — and when the window no longer holds what the
 * client is missing, a {@code continuity_lost} event instead of a silent gap
 * (docs/PROTOCOL.md#ephemeral-channels). The durable counterpart is {@link
 * ConversationSubscription}; the two share nothing but the {@link Subscription} face.
 *
 * <p>It holds the client's position: {@code epoch} and {@code delivered}. A live message of the
 * epoch with the next seq is written at once, an older one dropped, one further ahead parked while
 * the window is read ("catch-up"). A live message of another epoch (the window was lost and made
 * anew), or a subscriber so far behind that its parked messages overflow, also leads to a catch-up;
 * when that finds the position gone, the client is told and continues from what the window holds.
 *
 * <p>Not thread-safe: confined to the session's executor, like {@link ConversationSubscription};
 * window results hop back to it. Bounded: at most {@link #MAX_PARKED} parked messages and as many
 * early ephemeral frames; a replay is at most the window's size.
 */
final class WindowSubscription implements Subscription {
  private static final Logger log = LoggerFactory.getLogger(WindowSubscription.class);

  /**
   * Parked live messages beyond this count are dropped; the catch-up reads them from the window.
   */
  static final int MAX_PARKED = 1024;

  private final Session session;
  private final String conversation;
  private final StreamWindow.Limits limits;

  /** The epoch of {@code delivered}; null until the join's read. Session executor only. */
  private String epoch;

  /** Highest seq of {@code epoch} written to the client. Session executor only. */
  private long delivered;

  /** True until the join's read finished, and while a catch-up read is running. */
  private boolean catchingUp = true;

  private boolean active = true;

  /** A live message of another epoch came while a read was under way. */
  private boolean otherEpochSeen;

  /** Live messages of {@code epoch} ahead of {@code delivered}, by seq. */
  private final TreeMap<Long, BrokerEvent> parked = new TreeMap<>();

  /** Ephemeral events that arrived before the join finished; null once started. */
  private List<byte[]> earlyEphemeral = new ArrayList<>();

  WindowSubscription(Session session, String conversation, StreamWindow.Limits limits) {
    this.session = session;
    this.conversation = conversation;
    this.limits = limits;
  }

  @Override
  public String conversation() {
    return conversation;
  }

  @Override
  public Executor executor() {
    return session.executor();
  }

  @Override
  public long delivered() {
    return delivered;
  }

  /** The epoch the client's position belongs to; null before the join's read. */
  String epoch() {
    return epoch;
  }

  /** How much the stream's window keeps. */
  StreamWindow.Limits limits() {
    return limits;
  }

  @Override
  public boolean isActive() {
    return active;
  }

  @Override
  public void deactivate() {
    active = false;
    parked.clear();
  }

  @Override
  public void flush() {
    session.connection().flush();
  }

  @Override
  public void resync() {
    executor()
        .execute(
            () -> {
              if (active && !catchingUp) {
                catchUp();
              }
            });
  }

  /**
   * Answers the join once the hub delivers the topic and presence was entered ({@code entered}):
   * reads the window — from the client's position ({@code after} of {@code clientEpoch}) when it
   * resumes, nothing when it joins live ({@code after} null) — then {@code joined} with the epoch,
   * the presence snapshot and states, and the replay (after a {@code continuity_lost} when the
   * position is gone), then live.
   */
  void join(
      CompletableFuture<PresenceTracker.Snapshot> entered,
      PresenceTracker presence,
      String ref,
      Long after,
      String clientEpoch) {
    StreamWindow w = session.node().windowed().window();
    entered
        .thenCompose(
            snap ->
                w.since(
                    conversation, limits, clientEpoch, after == null ? StreamWindow.LIVE : after))
        .whenComplete(
            (r, err) ->
                session
                    .loop()
                    .run(
                        () -> {
                          if (!active) {
                            return;
                          }
                          if (err != null) {
                            session.joinFailed(this, ref, err);
                            return;
                          }
                          PresenceTracker.Snapshot snap = entered.join();
                          session.push(
                              new Push.Joined(
                                  ref,
                                  conversation,
                                  r.lastSeq(),
                                  r.from(),
                                  List.of(),
                                  snap.users(),
                                  snap.count(),
                                  r.epoch()));
                          presence.announce(conversation, snap);
                          for (byte[] frame : snap.states()) {
                            session.connection().send(frame);
                          }
                          start(r);
                        }));
  }

  /** After {@code joined}: the early ephemeral events, then the replay, then live. */
  private void start(StreamWindow.Replay replay) {
    List<byte[]> early = earlyEphemeral;
    earlyEphemeral = null;
    for (byte[] frame : early) {
      session.connection().send(frame);
    }
    onReplay(replay);
  }

  @Override
  public boolean offer(BrokerEvent event) {
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
    if (event.kind() != BrokerEvent.Kind.WINDOWED) {
      return false; // a stored message: the namespace was durable for its sender
    }
    if (catchingUp) {
      park(event);
      return false;
    }
    if (!event.epoch().equals(epoch)) {
      catchUp(); // the window was lost and made anew: the read reports it
      return false;
    }
    if (event.seq() <= delivered) {
      return false;
    }
    if (event.seq() == delivered + 1) {
      write(event.seq(), event.frame());
      return true;
    }
    park(event);
    catchUp();
    return false;
  }

  /** Keeps a live message for after the read; beyond the bound it is the read's to bring. */
  private void park(BrokerEvent event) {
    if (epoch != null && !event.epoch().equals(epoch)) {
      otherEpochSeen = true; // the read under way may predate it: read once more after it
    } else if (parked.size() < MAX_PARKED) {
      parked.put(event.seq(), event);
    }
  }

  private void write(long seq, byte[] frame) {
    session.connection().write(frame);
    delivered = seq;
  }

  private void catchUp() {
    catchingUp = true;
    otherEpochSeen = false;
    session
        .node()
        .windowed()
        .window()
        .since(conversation, limits, epoch, delivered)
        .whenComplete(
            (r, err) ->
                executor()
                    .execute(
                        () -> {
                          if (!active) {
                            return;
                          }
                          if (err != null) {
                            log.warn("window read failed for {}; retrying", conversation, err);
                            session.node().retryLater(executor(), this::catchUp);
                            return;
                          }
                          onReplay(r);
                        }));
  }

  /** Writes a replay (after telling the client when it is not continuous), then the parked. */
  private void onReplay(StreamWindow.Replay r) {
    if (!active) {
      return;
    }
    if (!r.continuous()) {
      session.node().metrics().continuityLost();
      session.push(WindowedStreams.lost(conversation, r));
    }
    if (!r.epoch().equals(epoch)) {
      parked.values().removeIf(e -> !e.epoch().equals(r.epoch()));
    }
    epoch = r.epoch();
    delivered = r.from();
    for (StreamWindow.Entry e : r.entries()) {
      if (e.seq() == delivered + 1) {
        write(e.seq(), e.frame());
      }
    }
    parked.headMap(delivered, true).clear();
    while (!parked.isEmpty() && parked.firstKey() == delivered + 1) {
      BrokerEvent e = parked.pollFirstEntry().getValue();
      write(e.seq(), e.frame());
    }
    session.connection().flush();
    boolean again = otherEpochSeen;
    otherEpochSeen = false;
    if (parked.isEmpty() && !again) {
      catchingUp = false;
      return;
    }
    // A parked message is ahead of what the window gave: its predecessor was appended after the
    // read. The window holds every seq it numbered until trimmed, so read again.
    catchUp();
  }
}
