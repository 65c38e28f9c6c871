package dev.parley.chat;

import java.util.concurrent.CompletableFuture;

/**
 * The port through which the chat layer asks the application's backend whether a join of a
 * namespace's channel, or a send into one, may go ahead ({@link NamespaceProxy}, asked by {@link
 * ProxyAuthorization}). The chat layer knows no HTTP: the deployment's implementation (a signed
 * POST with a time-out, {@code HttpChannelProxy} in parley-bots) plugs in through {@link
 * ChatLayer#channelProxy}.
 *
 * <p>Implementations are thread-safe and never block the caller: they answer with a future
 * completed on their own threads, within the proxy's timeout, and never fail it — every failure (no
 * answer in time, a status other than 2xx and 403, a body that is not {@code {"allow":
 * true|false}}) is {@link Verdict#UNAVAILABLE}. They never log the secret.
 */
@FunctionalInterface
public interface ChannelProxy {
  /**
   * No way to reach a backend: every call is {@link Verdict#UNAVAILABLE}, so a namespace with a
   * proxy is closed rather than open when the deployment wired none (fail closed).
   */
  ChannelProxy NONE = (proxy, call) -> CompletableFuture.completedFuture(Verdict.UNAVAILABLE);

  /** What the backend is asked about. */
  enum Action {
    /** A {@code join} (or a resume) of the channel. */
    SUBSCRIBE,
    /** A client's {@code send} into the channel. */
    PUBLISH
  }

  /** The backend's answer. */
  enum Verdict {
    /** 2xx with {@code {"allow": true}}. */
    ALLOW,
    /** 2xx with {@code {"allow": false}}, or 403. */
    DENY,
    /** No usable answer: the time-out passed, another status, or another body. */
    UNAVAILABLE
  }

  /**
   * One question for the backend.
   *
   * @param action subscribe or publish
   * @param user the asking session's user ({@code Principal#user})
   * @param namespace the channel's namespace
   * @param channel the channel id
   * @param cid the send's client id; null for a subscribe
   * @param text the text the send would publish; null for a subscribe
   */
  record Call(
      Action action, String user, String namespace, String channel, String cid, String text) {}

  /** Asks {@code proxy}'s URL for {@code call.action()} (which the caller made sure it has). */
  CompletableFuture<Verdict> ask(NamespaceProxy proxy, Call call);
}
