package dev.parley.core;

import dev.parley.protocol.Command;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.ProtocolException;
import dev.parley.protocol.Push;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Continues a session's work on its event loop: the one place where work that finished elsewhere (a
 * store write, a shared-state read, an authentication) comes back. Each continuation hops to the
 * loop, is dropped when the session closed meanwhile, and has its failures answered as an {@code
 * error} event naming the command it belongs to: a {@link ProtocolException} with its own code,
 * anything else with the code the caller chose (or {@code internal}, logged).
 *
 * <p>Thread-safe: every method may be called from any thread. The continuations run on the
 * session's executor, where the session's state may be touched.
 */
public final class SessionLoop {
  private static final Logger log = LoggerFactory.getLogger(SessionLoop.class);

  private final Session session;
  private final Executor executor;

  SessionLoop(Session session, Executor executor) {
    this.session = session;
    this.executor = executor;
  }

  /**
   * What to answer when the awaited work failed for a reason that is not a protocol error.
   *
   * @param code the error code (e.g. {@code store_unavailable}, retryable)
   * @param message for people
   */
  public record OnFailure(ErrorCode code, String message) {
    /** An unexpected fault: {@code internal}. */
    public static final OnFailure INTERNAL = new OnFailure(ErrorCode.INTERNAL, "internal error");

    /** The server's own work whose failure the client need not hear of: only logged. */
    public static final OnFailure LOG_ONLY = new OnFailure(null, null);
  }

  /** Runs {@code task} on the session's loop, unless the session has closed by then. */
  public void run(Runnable task) {
    executor.execute(
        () -> {
          if (!session.isClosed()) {
            guarded(null, task);
          }
        });
  }

  /**
   * Once {@code stage} completes, continues with its value on the session's loop. A failure of
   * {@code stage} is answered with {@code onFailure} (or the protocol error it carries), naming
   * {@code about}'s cid and ref; so is an exception thrown by {@code next}.
   *
   * @param about the command the work belongs to, or null for the server's own work
   */
  public <T> void then(
      CompletionStage<T> stage, Command about, OnFailure onFailure, Consumer<? super T> next) {
    stage.whenComplete(
        (value, err) ->
            executor.execute(
                () -> {
                  if (session.isClosed()) {
                    return;
                  }
                  if (err != null) {
                    fail(about, onFailure, err);
                    return;
                  }
                  guarded(about, () -> next.accept(value));
                }));
  }

  /** Runs {@code r} now (on the loop), answering what it throws as {@link #then} does. */
  void guarded(Command about, Runnable r) {
    try {
      r.run();
    } catch (ProtocolException e) {
      session.reject(about, e);
    } catch (RuntimeException e) {
      log.error(
          "work for {} failed on session {}",
          about == null ? "the server" : about.getClass().getSimpleName(),
          session.id(),
          e);
      session.reject(about, new ProtocolException(ErrorCode.INTERNAL, "internal error", null));
    }
  }

  private void fail(Command about, OnFailure onFailure, Throwable err) {
    Throwable cause =
        err instanceof CompletionException c && c.getCause() != null ? c.getCause() : err;
    if (cause instanceof ProtocolException p) {
      session.reject(about, p);
      return;
    }
    if (onFailure.code() == null) {
      log.warn("work for session {} failed", session.id(), cause);
      return;
    }
    if (OnFailure.INTERNAL.equals(onFailure)) {
      log.error("work for session {} failed", session.id(), cause);
    } else {
      log.debug("work for session {} failed: {}", session.id(), cause.toString());
    }
    session.push(
        Push.Error.of(
            onFailure.code(),
            onFailure.message(),
            about == null ? null : about.cid(),
            about == null ? null : about.ref(),
            null));
  }
}
