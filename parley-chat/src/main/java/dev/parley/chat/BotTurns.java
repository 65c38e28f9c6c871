package dev.parley.chat;

import dev.parley.core.AppendRequest;
import dev.parley.core.BrokerEvent;
import dev.parley.core.Node;
import dev.parley.core.StoredMessage;
import dev.parley.protocol.MessageMeta;
import dev.parley.protocol.Push;
import dev.parley.protocol.chat.ChatEvent;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bot answers as turns (delivery-contract rule 6): each answer streams as {@code answer} events
 * {@code start}, {@code delta}…, {@code end} keyed by the answer's id, and its final text is stored
 * as one message with that id and a seq, carrying the sources the bot cited ({@link
 * Bot.AnswerSink#cite}) as its meta.
 *
 * <ul>
 *   <li>While a turn streams, its {@code start} and each {@code delta} are also added to the
 *       ephemeral state {@code answer:<conv>} (each piece encoded once): a visitor who reconnects
 *       mid-answer gets them in order as its snapshot, then the rest live.
 *   <li>{@link #stop} freezes a turn: what was said is stored with status {@code stopped} (the
 *       visitor stopped it) or {@code interrupted} (an agent took over); any later piece from the
 *       bot is refused.
 *   <li>Until the first piece arrives, the bot's typing indicator is on (a lease that expires by
 *       itself if this node dies).
 * </ul>
 *
 * <p>Thread-safe. Bots run on virtual threads. A turn's state (its text, started, finished) is
 * guarded by the turn; what a change publishes or stores is queued under that lock and carried out
 * in order by the turn's own serial queue outside it, so events keep their order and no other lock
 * is ever taken while a turn's is held.
 */
public final class BotTurns implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BotTurns.class);

  /** The user id bot messages and events carry. */
  public static final String BOT_USER = "bot";

  /** An answer's snapshot outlives a dead node by at most this long. */
  private static final Duration STATE_TTL = Duration.ofMinutes(2);

  private final Node node;
  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
  private final ConcurrentHashMap<String, Turn> running = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();
  private final Duration typingTtl;
  private final ChatMetrics metrics;

  /** Told of each answer once it is stored (for {@link EventFeed}); any thread, never blocks. */
  private final Consumer<StoredMessage> answerStored;

  public BotTurns(Node node, Duration typingTtl, ChatMetrics metrics) {
    this(node, typingTtl, metrics, m -> {});
  }

  BotTurns(
      Node node, Duration typingTtl, ChatMetrics metrics, Consumer<StoredMessage> answerStored) {
    this.node = node;
    this.typingTtl = typingTtl;
    this.metrics = metrics;
    this.answerStored = answerStored;
  }

  /**
   * Starts {@code bot} answering {@code question} in its conversation (an answer still streaming
   * there is stopped first), then tells {@code onResult} how the answer went. Returns the answer's
   * id.
   */
  public String start(Bot bot, Bot.Question question, Consumer<Bot.Result> onResult) {
    String conv = question.conversation();
    Turn previous = running.get(conv);
    if (previous != null) {
      previous.finish("stopped");
    }
    byte[] b = new byte[12];
    random.nextBytes(b);
    Turn turn = new Turn(conv, "m_" + Base64.getUrlEncoder().withoutPadding().encodeToString(b));
    running.put(conv, turn);
    turn.then(() -> typing(conv, true));
    threads.execute(
        () -> {
          try {
            Bot.Result result = bot.answer(question, turn);
            turn.finish("complete");
            onResult.accept(result);
          } catch (InterruptedException e) {
            turn.finish("stopped");
          } catch (Exception e) {
            log.warn("bot failed in {}", conv, e);
            turn.delta(turn.isEmpty() ? ChatTexts.get().text(question.lang(), "bot.failed") : "");
            turn.finish("failed");
          }
        });
    return turn.id;
  }

  /**
   * Freezes the answer {@code answerId} of {@code conversation} (any, if null) with {@code status}
   * ({@code stopped} or {@code interrupted}). Returns false if no such answer is streaming here.
   */
  public boolean stop(String conversation, String answerId, String status) {
    Turn t = running.get(conversation);
    if (t == null || (answerId != null && !t.id.equals(answerId))) {
      return false;
    }
    return t.finish(status);
  }

  /** Whether an answer is streaming in {@code conversation} on this node. */
  public boolean isStreaming(String conversation) {
    return running.containsKey(conversation);
  }

  private void typing(String conv, boolean on) {
    long ttl = on ? typingTtl.toMillis() : 0;
    byte[] frame = node.encode(new Push.Typing(conv, BOT_USER, on, ttl));
    node.publish(conv, BrokerEvent.ephemeral(BOT_USER, "typing:" + BOT_USER, ttl, frame));
  }

  @Override
  public void close() {
    for (Turn t : running.values()) {
      t.finish("interrupted");
    }
    threads.shutdown();
  }

  /**
   * One answer. Its text and flags are guarded by {@code this}; its effects run on its serial
   * queue.
   */
  private final class Turn implements Bot.AnswerSink {
    final String conversation;
    final String id;
    final String stateKey;
    private final StringBuilder text = new StringBuilder();
    private final long startedAt = node.clock().nanoTime();
    private boolean started;
    private boolean finished;

    /** What the answer cites, or null; guarded by this. */
    private MessageMeta meta;

    /** Effects in the order the state changed; drained by one thread at a time. */
    private final ConcurrentLinkedQueue<Runnable> effects = new ConcurrentLinkedQueue<>();

    private final AtomicBoolean draining = new AtomicBoolean();

    Turn(String conversation, String id) {
      this.conversation = conversation;
      this.id = id;
      this.stateKey = "answer:" + conversation;
    }

    /** Queues an effect and runs the queue; call without holding the turn's lock. */
    void then(Runnable effect) {
      effects.add(effect);
      drain();
    }

    private void drain() {
      while (draining.compareAndSet(false, true)) {
        try {
          Runnable r;
          while ((r = effects.poll()) != null) {
            try {
              r.run();
            } catch (RuntimeException e) {
              log.warn("answer {} in {}: an effect failed", id, conversation, e);
            }
          }
        } finally {
          draining.set(false);
        }
        if (effects.isEmpty()) {
          return;
        }
      }
    }

    synchronized boolean isEmpty() {
      return text.isEmpty();
    }

    @Override
    public synchronized boolean cancelled() {
      return finished;
    }

    @Override
    public synchronized void cite(MessageMeta sources) {
      if (!finished) {
        meta = sources;
      }
    }

    @Override
    public boolean delta(String piece) {
      synchronized (this) {
        if (finished) {
          return false; // a late piece after stop/interrupt is refused
        }
        if (piece.isEmpty()) {
          return true;
        }
        if (!started) {
          started = true;
          long firstToken = node.clock().nanoTime() - startedAt;
          effects.add(
              () -> {
                metrics.botFirstToken(firstToken);
                typing(conversation, false);
                publish(new ChatEvent.Answer(conversation, id, "start", null, null, null));
              });
        }
        int offset = text.length();
        text.append(piece);
        // Queued under the lock (so in the order of the text), carried out after it.
        effects.add(
            () -> publish(new ChatEvent.Answer(conversation, id, "delta", piece, offset, null)));
      }
      drain();
      return true;
    }

    /** Sends {@code event} live and adds it to the answer's snapshot. Effect queue. */
    private void publish(ChatEvent.Answer event) {
      node.publish(
          conversation,
          BrokerEvent.ephemeralAppending(
              BOT_USER, stateKey, STATE_TTL.toMillis(), node.encode(event)));
    }

    /** Ends the turn once; stores what was said. Returns false if it had already ended. */
    boolean finish(String status) {
      String said;
      boolean wasStarted;
      MessageMeta cited;
      synchronized (this) {
        if (finished) {
          return false;
        }
        finished = true;
        said = text.toString();
        wasStarted = started;
        cited = meta;
      }
      running.remove(conversation, this);
      long took = node.clock().nanoTime() - startedAt;
      then(
          () -> {
            metrics.botAnswered(status, took);
            if (!wasStarted) {
              typing(conversation, false);
            }
            BrokerEvent clear =
                BrokerEvent.ephemeral(
                    BOT_USER,
                    stateKey,
                    0,
                    node.encode(
                        new ChatEvent.Answer(
                            conversation, id, "end", null, said.length(), status)));
            if (said.isEmpty()) {
              node.publish(conversation, clear);
              return;
            }
            String stored = status.equals("complete") || status.equals("failed") ? null : status;
            node.append(
                    new AppendRequest(
                        conversation,
                        BOT_USER,
                        null,
                        "bot",
                        said,
                        node.clock().millis(),
                        id,
                        stored,
                        cited))
                .whenComplete(
                    (a, err) -> {
                      if (err != null) {
                        log.error("could not store the answer {} in {}", id, conversation, err);
                      } else if (!a.duplicate()) {
                        answerStored.accept(a.message());
                      }
                      node.publish(conversation, clear);
                    });
          });
      return true;
    }
  }
}
