package dev.parley.chat;

import dev.parley.chat.ChannelProxy.Action;
import dev.parley.chat.ChannelProxy.Verdict;
import dev.parley.core.NodeClock;
import dev.parley.core.Principal;
import dev.parley.protocol.Command;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.ProtocolException;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks a namespace's proxy ({@link NamespaceProxy}) before a join of one of its channels and before
 * each client send into one — only once the namespace's own rules ({@code subscribe}, {@code
 * publish}) admitted the user — and turns the backend's {@link Verdict} into the outcome: allowed;
 * refused {@code forbidden}; or refused {@code proxy_unavailable} (retryable, with {@code
 * retryAfterMs}) when the backend gave no usable answer, so nothing is joined or published unless
 * the backend said yes (fail closed). A namespace whose proxy has no URL for the action is not
 * asked about it. The server API's own publishes never come here: they are trusted.
 *
 * <p>It owns the node's bound on questions in flight ({@link #MAX_IN_FLIGHT}): beyond it a join or
 * send is refused {@code proxy_unavailable} at once, without asking the backend, so a slow backend
 * cannot pile up unanswered requests (and the commands waiting for them) without end. Each question
 * is counted in {@link ChatMetrics#proxyAsked} (and a refusal at the bound in {@link
 * ChatMetrics#proxyOverloaded}).
 *
 * <p>Thread-safe; never blocks: the {@link ChannelProxy} answers on its own threads, and the
 * futures here complete there; the count in flight is an atomic counter.
 */
final class ProxyAuthorization {
  private static final Logger log = LoggerFactory.getLogger(ProxyAuthorization.class);

  /**
   * Questions to backends this node has in flight at most (every namespace together); documented in
   * {@code docs/PROTOCOL.md#limits}. 256 is 128 per second for two seconds, the default timeout, of
   * a backend that stopped answering: past it the node refuses rather than queues.
   */
  static final int MAX_IN_FLIGHT = 256;

  /**
   * The {@code retryAfterMs} of every {@code proxy_unavailable}: long enough that clients do not
   * resend into a backend that is down or a node at its bound at once, short next to a person's
   * patience.
   */
  static final long RETRY_AFTER_MS = 1000;

  private final Directory directory;
  private final NodeClock clock;
  private final int maxInFlight;

  /** Questions asked whose answers have not come yet; at most {@link #maxInFlight} once settled. */
  private final AtomicInteger inFlight = new AtomicInteger();

  /** How the backend is reached; {@link ChannelProxy#NONE} until the deployment sets one. */
  private volatile ChannelProxy port = ChannelProxy.NONE;

  /** Where the questions are counted; {@link ChatMetrics#NONE} until the layer is attached. */
  private volatile ChatMetrics metrics = ChatMetrics.NONE;

  ProxyAuthorization(Directory directory, NodeClock clock) {
    this(directory, clock, MAX_IN_FLIGHT);
  }

  ProxyAuthorization(Directory directory, NodeClock clock, int maxInFlight) {
    this.directory = directory;
    this.clock = clock;
    this.maxInFlight = maxInFlight;
  }

  /** Reaches backends through {@code p} from now on. */
  void port(ChannelProxy p) {
    this.port = p;
  }

  /** Counts the questions in {@code m} from now on. */
  void metrics(ChatMetrics m) {
    this.metrics = m;
  }

  /**
   * Whether {@code p}, whom {@code ns}'s {@code subscribe} admits, may join {@code channel} as far
   * as the proxy says: true at once without a subscribe URL; false when the backend refused; a
   * future failed with {@code proxy_unavailable} (naming {@code conv}) when it did not answer or
   * the node has {@link #MAX_IN_FLIGHT} questions in flight.
   */
  CompletableFuture<Boolean> maySubscribe(Principal p, Namespace ns, String channel) {
    NamespaceProxy proxy = ns.proxy();
    if (proxy == null || proxy.subscribe() == null) {
      return CompletableFuture.completedFuture(true);
    }
    return ask(
            proxy,
            new ChannelProxy.Call(Action.SUBSCRIBE, p.user(), ns.name(), channel, null, null),
            "joining " + channel)
        .thenApply(v -> v == Verdict.ALLOW);
  }

  /**
   * Before {@code p}'s {@code send} is stored: completes at once for a channel of no namespace with
   * a publish URL (chat conversations, open channels), else once the backend allowed it; fails with
   * {@code forbidden} when it refused and {@code proxy_unavailable} when it did not answer or the
   * node has {@link #MAX_IN_FLIGHT} questions in flight.
   */
  CompletableFuture<Void> beforePublish(Principal p, Command.Send send) {
    String name = Namespace.nameOf(send.conv());
    Namespace ns = directory.namespace(name);
    NamespaceProxy proxy = ns == null ? null : ns.proxy();
    if (proxy == null || proxy.publish() == null) {
      return CompletableFuture.completedFuture(null);
    }
    return ask(
            proxy,
            new ChannelProxy.Call(
                Action.PUBLISH, p.user(), name, send.conv(), send.cid(), send.text()),
            "sending in " + send.conv())
        .thenApply(
            v -> {
              if (v == Verdict.DENY) {
                throw new ProtocolException(
                    ErrorCode.FORBIDDEN,
                    "the application's backend refused this message in " + send.conv(),
                    "conv");
              }
              return null;
            });
  }

  /**
   * Asks the backend about {@code call}: its {@link Verdict#ALLOW} or {@link Verdict#DENY}, or a
   * future failed with {@code proxy_unavailable} about {@code what} when it gave no usable answer
   * or the node is at its bound (then without asking).
   */
  private CompletableFuture<Verdict> ask(
      NamespaceProxy proxy, ChannelProxy.Call call, String what) {
    String kind = call.action().name().toLowerCase(Locale.ROOT);
    if (inFlight.incrementAndGet() > maxInFlight) {
      inFlight.decrementAndGet();
      count(() -> metrics.proxyOverloaded(kind));
      return CompletableFuture.failedFuture(
          unavailable(
              "this node is waiting for too many answers from applications' backends; try again"));
    }
    long startedAt = clock.nanoTime();
    CompletableFuture<Verdict> asked;
    try {
      asked = port.ask(proxy, call);
    } catch (RuntimeException e) {
      asked = null;
    }
    // The port never fails its future (nor answers null); should it, that is no answer either.
    return (asked == null ? CompletableFuture.completedFuture(Verdict.UNAVAILABLE) : asked)
        .exceptionally(e -> Verdict.UNAVAILABLE)
        .thenApply(
            answer -> {
              inFlight.decrementAndGet();
              Verdict v = answer == null ? Verdict.UNAVAILABLE : answer;
              long took = clock.nanoTime() - startedAt;
              count(() -> metrics.proxyAsked(kind, v.name().toLowerCase(Locale.ROOT), took));
              if (v == Verdict.UNAVAILABLE) {
                throw unavailable(
                    "the application's backend did not answer about " + what + "; try again");
              }
              return v;
            });
  }

  /** Counts in the metrics; a failure there never changes a verdict or leaks a place. */
  private static void count(Runnable update) {
    try {
      update.run();
    } catch (RuntimeException e) {
      log.warn("could not count a channel proxy question", e);
    }
  }

  private static ProtocolException unavailable(String message) {
    return new ProtocolException(ErrorCode.PROXY_UNAVAILABLE, message, "conv")
        .retryAfter(RETRY_AFTER_MS);
  }
}
