package dev.parley.chat;

import java.net.URI;
import java.time.Duration;

/**
 * A namespace's proxy to the application's backend: the URL asked before a join of one of its
 * channels ({@code subscribe}) and the URL asked before each send into one ({@code publish}) —
 * either or both — how long Parley waits for an answer, and the secret each request is signed with
 * ({@code docs/SECURITY.md#channel-proxy}). There is no proxy without a secret: the backend could
 * not tell Parley's requests from anyone's, so a namespace that cannot be signed for is refused
 * where it is configured rather than asked unsigned.
 *
 * <p>Immutable. {@link #toString} never shows the secret.
 */
public record NamespaceProxy(URI subscribe, URI publish, Duration timeout, String secret) {
  /** How long Parley waits for the backend when the namespace says nothing. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

  /**
   * The longest wait a namespace may set: a join waits for the answer (the connection's other
   * commands wait behind it), and so does a send's ack.
   */
  public static final Duration MAX_TIMEOUT = Duration.ofSeconds(10);

  /** The shortest secret accepted, as for webhook secrets. */
  public static final int MIN_SECRET_CHARS = 16;

  public NamespaceProxy {
    if (subscribe == null && publish == null) {
      throw new IllegalArgumentException("a proxy needs a subscribe URL, a publish URL or both");
    }
    checkUrl(subscribe);
    checkUrl(publish);
    if (timeout == null
        || timeout.isNegative()
        || timeout.isZero()
        || timeout.compareTo(MAX_TIMEOUT) > 0) {
      throw new IllegalArgumentException("a proxy's timeout must be 1 ms to 10 s");
    }
    if (secret == null || secret.length() < MIN_SECRET_CHARS) {
      throw new IllegalArgumentException(
          "a proxy needs a secret of at least " + MIN_SECRET_CHARS + " characters");
    }
  }

  private static void checkUrl(URI url) {
    if (url != null
        && (url.getHost() == null
            || !("http".equals(url.getScheme()) || "https".equals(url.getScheme())))) {
      throw new IllegalArgumentException("a proxy URL must be an absolute http or https URL");
    }
  }

  /** The URL asked before {@code action}, or null when this proxy is not asked about it. */
  public URI url(ChannelProxy.Action action) {
    return action == ChannelProxy.Action.SUBSCRIBE ? subscribe : publish;
  }

  @Override
  public String toString() {
    return "NamespaceProxy[subscribe="
        + subscribe
        + ", publish="
        + publish
        + ", timeout="
        + timeout
        + ", secret=****]";
  }
}
