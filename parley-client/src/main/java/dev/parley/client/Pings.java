package dev.parley.client;

import dev.parley.protocol.Command;
import dev.parley.protocol.Push;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The {@code ping} commands of one {@link ParleyClient} that wait for their {@code pong}, each with
 * a ref of its own ({@code docs/PROTOCOL.md#ping}).
 *
 * <p>Not thread-safe: confined to the client's thread, like all of the client's state.
 */
final class Pings {
  private final Consumer<Command> wire;

  /** The futures of pings sent and not yet answered, by ref. */
  private final Map<String, CompletableFuture<Void>> waiting = new LinkedHashMap<>();

  /** Pings sent so far: the next ref's number. */
  private long sent;

  /**
   * @param wire writes a command on the current connection
   */
  Pings(Consumer<Command> wire) {
    this.wire = wire;
  }

  /**
   * Writes a {@code ping}; {@code future} completes when its {@code pong} arrives. Unless the
   * client is {@code state} CONNECTED nothing is written, and {@code future} fails at once: {@code
   * closed} when CLOSED, else {@code not_connected}.
   */
  void send(CompletableFuture<Void> future, ParleyClient.State state) {
    if (state != ParleyClient.State.CONNECTED) {
      future.completeExceptionally(
          state == ParleyClient.State.CLOSED
              ? new ParleyException("closed", "the client is closed")
              : new ParleyException("not_connected", "the client is " + state));
      return;
    }
    String ref = "ping-" + ++sent;
    waiting.put(ref, future);
    wire.accept(new Command.Ping(ref));
  }

  /** A {@code pong}: completes its ping's future. A pong of no ping of ours is ignored. */
  void pong(Push.Pong p) {
    CompletableFuture<Void> f = p.ref() == null ? null : waiting.remove(p.ref());
    if (f != null) {
      f.complete(null);
    }
  }

  /** Fails every ping still waiting (its pong will not come): the connection is gone. */
  void failAll(ParleyException why) {
    List<CompletableFuture<Void>> all = new ArrayList<>(waiting.values());
    waiting.clear();
    all.forEach(f -> f.completeExceptionally(why));
  }

  /** How many pings wait for their pong. */
  int size() {
    return waiting.size();
  }
}
