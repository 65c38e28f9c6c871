package dev.parley.core;

import dev.parley.protocol.Push;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The send half of ephemeral streams, beside the durable one in {@link Node#append}: a message is
 * numbered and kept by the {@link StreamWindow} instead of written to the store, then published on
 * the broker like a stored message ({@link BrokerEvent.Kind#WINDOWED}, carrying its epoch). The
 * returned future completes once the window holds it and the broker took it: that is what an
 * ephemeral {@code ack} means — not durable.
 *
 * <p>It also reads windows for those who page through them: a session's {@code history} and the
 * server API's ({@link #after}).
 *
 * <p>Thread-safe: stateless but for its collaborators, which are.
 */
public final class WindowedStreams {
  /** The seq a message is encoded with before the window numbers it; found and cut out. */
  private static final long PLACEHOLDER = Long.MIN_VALUE;

  private static final byte[] PLACEHOLDER_FIELD =
      ("\"seq\":" + PLACEHOLDER).getBytes(StandardCharsets.US_ASCII);

  private final Node node;
  private final WindowPolicy policy;
  private final StreamWindow window;
  private final SecureRandom random = new SecureRandom();

  /** {@code window} null: one in this process's memory, aged by the node's clock. */
  WindowedStreams(Node node, WindowPolicy policy, StreamWindow window) {
    this.node = node;
    this.policy = policy;
    this.window = window != null ? window : new InMemoryStreamWindow(node.clock()::millis);
  }

  /** The window of {@code conversation}, or null when it is durable. */
  public StreamWindow.Limits limitsOf(String conversation) {
    return policy.windowOf(conversation);
  }

  StreamWindow window() {
    return window;
  }

  /**
   * Messages of an ephemeral stream's window in seq order, all of {@code epoch}; {@code more} when
   * the window holds more beyond them.
   */
  public record Slice(String epoch, List<Push.Message> messages, boolean more) {}

  /**
   * The oldest {@code limit} messages after {@code after} that the window of {@code conversation}
   * (whose {@code limits} {@link #limitsOf} gave) holds in its current epoch, for a reader that
   * keeps no epoch of its own (the server API): it pages forward, and a changed {@link Slice#epoch}
   * says its seqs started again.
   */
  public CompletableFuture<Slice> after(
      String conversation, StreamWindow.Limits limits, long after, int limit) {
    return window
        .since(conversation, limits, null, 0)
        .thenApply(
            r -> {
              List<Push.Message> page = new ArrayList<>();
              boolean more = false;
              for (StreamWindow.Entry e : r.entries()) {
                if (e.seq() <= after) {
                  continue;
                }
                if (page.size() == limit) {
                  more = true;
                  break;
                }
                page.add(message(e));
              }
              return new Slice(r.epoch(), page, more);
            });
  }

  /** A kept frame as the {@code message} event it is. */
  private Push.Message message(StreamWindow.Entry e) {
    return (Push.Message) node.codec().decodePush(new String(e.frame(), StandardCharsets.UTF_8));
  }

  /**
   * The answer to a {@code history} of an ephemeral stream: the newest {@code limit} messages of
   * its window below {@code before}, in seq order, when the window is still of {@code epoch} (the
   * reader's; null: whichever it is); {@code more} when the window holds older ones. Nothing when
   * the window is of another epoch: the reader's own subscription reports that as {@code
   * continuity_lost}, and a page of another epoch's seqs would mislead it.
   */
  CompletableFuture<Push.History> history(
      String ref,
      String conversation,
      StreamWindow.Limits limits,
      String epoch,
      long before,
      int limit) {
    return window
        .before(conversation, limits, before, Math.max(1, limit))
        .thenApply(
            p -> {
              if (epoch != null && !epoch.equals(p.epoch())) {
                return new Push.History(ref, conversation, List.of(), false);
              }
              List<Push.Message> page = new ArrayList<>(p.entries().size());
              for (StreamWindow.Entry e : p.entries()) {
                page.add(message(e));
              }
              return new Push.History(ref, conversation, page, p.more());
            });
  }

  /**
   * Numbers, keeps and publishes {@code r}; never a duplicate (a cid is not remembered). The
   * publish is the window's continuation of the append, so a stream's publishes go out in its seq
   * order.
   */
  CompletableFuture<Appended> append(AppendRequest r, StreamWindow.Limits limits) {
    String id = r.id() != null ? r.id() : newId();
    StoredMessage unnumbered = r.storedAt(PLACEHOLDER, id);
    StreamWindow.Template template = template(node.encodeMessage(unnumbered));
    return window.append(
        r.conversation(),
        limits,
        template,
        p -> {
          node.metrics().ephemeralAppended();
          long start = node.clock().nanoTime();
          BrokerEvent event =
              BrokerEvent.windowed(
                  p.epoch(), p.seq(), r.sender(), r.createdAtMillis(), template.frame(p.seq()));
          return node.broker()
              .publish(LocalHub.topicOf(r.conversation()), event)
              .thenApply(
                  v -> {
                    node.metrics().brokerPublished(node.clock().nanoTime() - start);
                    return new Appended(withSeq(unnumbered, p.seq()), false);
                  });
        });
  }

  /** {@code frame} split around its placeholder seq. */
  static StreamWindow.Template template(byte[] frame) {
    int at = indexOf(frame, PLACEHOLDER_FIELD);
    if (at < 0) {
      throw new IllegalStateException("a message event without its seq");
    }
    int digits = at + PLACEHOLDER_FIELD.length;
    int number = digits - Long.toString(PLACEHOLDER).length();
    return new StreamWindow.Template(
        Arrays.copyOfRange(frame, 0, number), Arrays.copyOfRange(frame, digits, frame.length));
  }

  /** The first index of {@code needle} in {@code hay} (the seq field precedes any free text). */
  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static StoredMessage withSeq(StoredMessage m, long seq) {
    return new StoredMessage(
        m.conversation(),
        seq,
        m.id(),
        m.sender(),
        m.cid(),
        m.kind(),
        m.text(),
        m.createdAtMillis(),
        m.status(),
        m.meta());
  }

  private String newId() {
    byte[] b = new byte[12];
    random.nextBytes(b);
    return "e_" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** The {@code continuity_lost} event of a replay that was not continuous. */
  static Push.ContinuityLost lost(String conversation, StreamWindow.Replay r) {
    return new Push.ContinuityLost(conversation, r.epoch(), r.from(), r.lastSeq());
  }
}
