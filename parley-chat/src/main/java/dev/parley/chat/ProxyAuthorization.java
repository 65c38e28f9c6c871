package dev.parley.chat;

import dev.parley.chat.ChannelProxy.Action;
import dev.parley.chat.ChannelProxy.Verdict;
import dev.parley.core.Principal;
import dev.parley.protocol.Command;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.ProtocolException;
import java.util.concurrent.CompletableFuture;

/**
 * Asks a namespace's proxy ({@link NamespaceProxy}) before a join of one of its channels and before
 * each client send into one — only once the namespace's own rules ({@code subscribe}, {@code
 * publish}) admitted the user — and turns the backend's {@link Verdict} into the outcome: allowed;
 * refused {@code forbidden}; or refused {@code proxy_unavailable} (retryable) when the backend gave
 * no usable answer, so nothing is joined or published unless the backend said yes (fail closed). A
 * namespace whose proxy has no URL for the action is not asked about it. The server API's own
 * publishes never come here: they are trusted.
 *
 * <p>Thread-safe; never blocks: the {@link ChannelProxy} answers on its own threads, and the
 * futures here complete there.
 */
final class ProxyAuthorization {
  private final Directory directory;

  /** How the backend is reached; {@link ChannelProxy#NONE} until the deployment sets one. */
  private volatile ChannelProxy port = ChannelProxy.NONE;

  ProxyAuthorization(Directory directory) {
    this.directory = directory;
  }

  /** Reaches backends through {@code p} from now on. */
  void port(ChannelProxy p) {
    this.port = p;
  }

  /**
   * Whether {@code p}, whom {@code ns}'s {@code subscribe} admits, may join {@code channel} as far
   * as the proxy says: true at once without a subscribe URL; false when the backend refused; a
   * future failed with {@code proxy_unavailable} (naming {@code conv}) when it did not answer.
   */
  CompletableFuture<Boolean> maySubscribe(Principal p, Namespace ns, String channel) {
    NamespaceProxy proxy = ns.proxy();
    if (proxy == null || proxy.subscribe() == null) {
      return CompletableFuture.completedFuture(true);
    }
    return ask(
            proxy,
            new ChannelProxy.Call(Action.SUBSCRIBE, p.user(), ns.name(), channel, null, null))
        .thenApply(
            v -> {
              if (v == Verdict.UNAVAILABLE) {
                throw unavailable("joining " + channel);
              }
              return v == Verdict.ALLOW;
            });
  }

  /**
   * Before {@code p}'s {@code send} is stored: completes at once for a channel of no namespace with
   * a publish URL (chat conversations, open channels), else once the backend allowed it; fails with
   * {@code forbidden} when it refused and {@code proxy_unavailable} when it did not answer.
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
                Action.PUBLISH, p.user(), name, send.conv(), send.cid(), send.text()))
        .thenApply(
            v ->
                switch (v) {
                  case ALLOW -> (Void) null;
                  case DENY ->
                      throw new ProtocolException(
                          ErrorCode.FORBIDDEN,
                          "the application's backend refused this message in " + send.conv(),
                          "conv");
                  case UNAVAILABLE -> throw unavailable("sending in " + send.conv());
                });
  }

  private CompletableFuture<Verdict> ask(NamespaceProxy proxy, ChannelProxy.Call call) {
    CompletableFuture<Verdict> asked;
    try {
      asked = port.ask(proxy, call);
    } catch (RuntimeException e) {
      asked = CompletableFuture.completedFuture(Verdict.UNAVAILABLE);
    }
    // The port never fails its future; should it, that is no answer either.
    return asked.exceptionally(e -> Verdict.UNAVAILABLE);
  }

  private static ProtocolException unavailable(String what) {
    return new ProtocolException(
        ErrorCode.PROXY_UNAVAILABLE,
        "the application's backend did not answer about " + what + "; try again",
        "conv");
  }
}
