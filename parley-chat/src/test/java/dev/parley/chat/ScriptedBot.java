package dev.parley.chat;

import dev.parley.protocol.MessageMeta;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A {@link Bot} for the chat harness: answers with scripted replies (pieces and whether it was
 * sure), in order; with no script left it says "I know that." surely. A reply may wait for {@link
 * #release()} between its pieces, so a test can act while an answer streams.
 *
 * <p>Thread-safe: the script is guarded by {@code this}.
 */
final class ScriptedBot implements Bot {
  /**
   * One reply: its pieces, whether the bot was unsure, and whether it waits after the first piece.
   */
  record Reply(String[] pieces, boolean unsure, boolean hold, MessageMeta cites) {
    Reply(String[] pieces, boolean unsure, boolean hold) {
      this(pieces, unsure, hold, null);
    }
  }

  private final Deque<Reply> script = new ArrayDeque<>();

  /** Every question the bot was asked, in order. */
  final BlockingQueue<Question> asked = new LinkedBlockingQueue<>();

  private volatile CountDownLatch held = new CountDownLatch(0);

  /** Queues a sure reply of {@code pieces}. */
  synchronized ScriptedBot says(String... pieces) {
    script.add(new Reply(pieces, false, false));
    return this;
  }

  /** Queues a sure reply of {@code pieces} that cites {@code meta} before its first piece. */
  synchronized ScriptedBot cites(MessageMeta meta, String... pieces) {
    script.add(new Reply(pieces, false, false, meta));
    return this;
  }

  /** Makes the reply queued last cite {@code meta} before its first piece. */
  synchronized ScriptedBot lastCites(MessageMeta meta) {
    Reply r = script.removeLast();
    script.add(new Reply(r.pieces(), r.unsure(), r.hold(), meta));
    return this;
  }

  /** Queues an unsure reply. */
  synchronized ScriptedBot unsure(String text) {
    script.add(new Reply(new String[] {text}, true, false));
    return this;
  }

  /** Queues a reply that stops after its first piece until {@link #release()}. */
  synchronized ScriptedBot holdsAfterFirst(String... pieces) {
    held = new CountDownLatch(1);
    script.add(new Reply(pieces, false, true));
    return this;
  }

  /** Lets a held reply go on. */
  void release() {
    held.countDown();
  }

  private synchronized Reply next() {
    Reply r = script.poll();
    return r != null ? r : new Reply(new String[] {"I know that."}, false, false);
  }

  @Override
  public Result answer(Question question, AnswerSink sink) throws InterruptedException {
    asked.add(question);
    Reply r = next();
    if (r.cites() != null) {
      sink.cite(r.cites());
    }
    for (int i = 0; i < r.pieces().length; i++) {
      if (!sink.delta(r.pieces()[i])) {
        break;
      }
      if (i == 0 && r.hold()) {
        held.await();
      }
    }
    return new Result(r.unsure() ? 0.1 : 0.9, r.unsure());
  }
}
