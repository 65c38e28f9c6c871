package dev.parley.chat;

import dev.parley.core.AppendRequest;
import dev.parley.core.BrokerEvent;
import dev.parley.core.Node;
import dev.parley.protocol.Push;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bot answers as turns (delivery-contract rule 6): each answer streams as {@code answer} events
 * {@code start}, {@code delta}…, {@code end} keyed by the answer's id, and its final text is stored
 * as one message with that id and a seq.
 *
 * <ul>
 *   <li>While a turn streams, the whole text so far is the ephemeral state {@code answer:<conv>}:
 *       a visitor who reconnects mid-answer gets it as one delta at offset 0, then the rest.
 *   <li>{@link #stop} freezes a turn: what was said is stored with status {@code stopped} (the
 *       visitor stopped it) or {@code interrupted} (an agent took over); any later piece from the
 *       bot is refused.
 *   <li>Until the first piece arrives, the bot's typing indicator is on (a lease that expires by
 *       itself if this node dies).
 * </ul>
 *
 * <p>Thread-safe: turns live in a concurrent map; each turn's text and state are guarded by the
 * turn itself. Bots run on virtual threads.
 */
public final class BotTurns implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BotTurns.class);

  /** The user id bot messages and events carry. */
  public static final String BOT_USER = "bot";

  /** An answer's snapshot outlives a dead node by at most this long. */
  private static final long STATE_TTL_MILLIS = 120_000;

  private final Node node;
  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
  private final ConcurrentHashMap<String, Turn> running = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();
  private final Duration typingTtl;
  private final ChatMetrics metrics;

  public BotTurns(Node node, Duration typingTtl) {
    this(node, typingTtl, ChatMetrics.NONE);
  }

  public BotTurns(Node node, Duration typingTtl, ChatMetrics metrics) {
    this.node = node;
    this.typingTtl = typingTtl;
    this.metrics = metrics;
  }

  /**
   * Starts {@code bot} answering {@code question} in {@code conversation}; an answer still streaming
   * there is stopped first. Returns the new answer's id.
   */
  public String start(Bot bot, Bot.Question question) {
    return start(bot, question, r -> { });
  }

  /** Like {@link #start(Bot, Bot.Question)}, then tells {@code onResult} how the answer went. */
  public String start(Bot bot, Bot.Question question, java.util.function.Consumer<Bot.Result> onResult) {
    String conv = question.conversation();
    Turn previous = running.get(conv);
    if (previous != null) {
      previous.finish("stopped");
    }
    byte[] b = new byte[12];
    random.nextBytes(b);
    Turn turn = new Turn(conv, "m_" + Base64.getUrlEncoder().withoutPadding().encodeToString(b));
    running.put(conv, turn);
    typing(conv, true);
    threads.execute(() -> {
      try {
        Bot.Result result = bot.answer(question, turn);
        turn.finish("complete");
        onResult.accept(result);
      } catch (InterruptedException e) {
        turn.finish("stopped");
      } catch (Exception e) {
        log.warn("bot failed in {}", conv, e);
        turn.delta(turn.isEmpty() ? "Sorry, I could not answer that just now." : "");
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

  /** One answer. Its fields are guarded by {@code this}. */
  private final class Turn implements Bot.AnswerSink {
    final String conversation;
    final String id;
    private final StringBuilder text = new StringBuilder();
    private final long startedAt = System.nanoTime();
    private boolean started;
    private boolean finished;

    Turn(String conversation, String id) {
      this.conversation = conversation;
      this.id = id;
    }

    synchronized boolean isEmpty() {
      return text.isEmpty();
    }

    @Override
    public synchronized boolean cancelled() {
      return finished;
    }

    @Override
    public synchronized boolean delta(String piece) {
      if (finished) {
        return false; // a late piece after stop/interrupt is refused
      }
      if (piece.isEmpty()) {
        return true;
      }
      if (!started) {
        started = true;
        metrics.botFirstToken(System.nanoTime() - startedAt);
        typing(conversation, false);
        node.publish(conversation, BrokerEvent.ephemeral(BOT_USER, null, 0,
            node.encode(new Push.Answer(conversation, id, "start", null, null, null))));
      }
      int offset = text.length();
      text.append(piece);
      byte[] frame = node.encode(new Push.Answer(conversation, id, "delta", piece, offset, null));
      byte[] snapshot = node.encode(new Push.Answer(conversation, id, "delta", text.toString(), 0, null));
      node.publish(conversation,
          BrokerEvent.ephemeralWithState(BOT_USER, "answer:" + conversation, STATE_TTL_MILLIS, frame, snapshot));
      return true;
    }

    /** Ends the turn once; stores what was said. Returns false if it had already ended. */
    synchronized boolean finish(String status) {
      if (finished) {
        return false;
      }
      finished = true;
      running.remove(conversation, this);
      metrics.botAnswered(status, System.nanoTime() - startedAt);
      if (!started) {
        typing(conversation, false);
      }
      String said = text.toString();
      byte[] end = node.encode(new Push.Answer(conversation, id, "end", null, said.length(), status));
      BrokerEvent clear = BrokerEvent.ephemeral(BOT_USER, "answer:" + conversation, 0, end);
      if (said.isEmpty()) {
        node.publish(conversation, clear);
        return true;
      }
      String stored = status.equals("complete") || status.equals("failed") ? null : status;
      node.append(new AppendRequest(conversation, BOT_USER, null, "bot", said, System.currentTimeMillis(), id, stored))
          .whenComplete((a, err) -> {
            if (err != null) {
              log.error("could not store the answer {} in {}", id, conversation, err);
            }
            node.publish(conversation, clear);
          });
      return true;
    }
  }
}
