package dev.parley.edge.admin;

import dev.parley.chat.NamespaceProxy;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;

/**
 * A namespace's {@code proxy} as operators write it ({@code docs/OPERATIONS.md#channel-proxy}): the
 * backend URLs asked before a join ({@code subscribeUrl}) and before each send ({@code
 * publishUrl}), at least one; {@code timeoutMs} (1-10,000, default 2,000); and the {@code secret}
 * that signs each request (at least 16 characters). The secret is write-only like the sites'
 * secrets: sealed at rest ({@link NamespaceConfig}), never shown (the API says {@code secretSet}),
 * kept when a change leaves it out; a proxy with no secret sent or stored is refused, so no request
 * ever goes out unsigned.
 *
 * <p>Immutable.
 */
public record NamespaceProxyDoc(
    String subscribeUrl, String publishUrl, Integer timeoutMs, String secret) {

  /**
   * This proxy with its default timeout filled in, after checking every field but whether a secret
   * is set (sent or stored: {@link NamespaceConfig#put} knows).
   *
   * @throws InvalidSetting naming the first field that is wrong ({@code proxy.…})
   */
  NamespaceProxyDoc checked() {
    if (subscribeUrl == null && publishUrl == null) {
      throw new InvalidSetting(
          "proxy", "needs a subscribeUrl, a publishUrl or both (leave proxy out for none)");
    }
    url("proxy.subscribeUrl", subscribeUrl);
    url("proxy.publishUrl", publishUrl);
    int max = (int) NamespaceProxy.MAX_TIMEOUT.toMillis();
    if (timeoutMs != null && (timeoutMs < 1 || timeoutMs > max)) {
      throw new InvalidSetting("proxy.timeoutMs", "must be 1-" + max + ", not " + timeoutMs);
    }
    if (secret != null && secret.length() < NamespaceProxy.MIN_SECRET_CHARS) {
      throw new InvalidSetting(
          "proxy.secret", "must be at least " + NamespaceProxy.MIN_SECRET_CHARS + " characters");
    }
    return new NamespaceProxyDoc(
        subscribeUrl,
        publishUrl,
        timeoutMs != null ? timeoutMs : (int) NamespaceProxy.DEFAULT_TIMEOUT.toMillis(),
        secret);
  }

  private static void url(String field, String value) {
    if (value == null) {
      return;
    }
    try {
      URI u = new URI(value);
      if (u.getHost() == null || !("http".equals(u.getScheme()) || "https".equals(u.getScheme()))) {
        throw new InvalidSetting(field, "must be an absolute http or https URL");
      }
    } catch (URISyntaxException e) {
      throw new InvalidSetting(field, "is not a URL: " + e.getReason());
    }
  }

  /** This proxy with {@code s} as its secret (sealed, opened, or null). */
  NamespaceProxyDoc withSecret(String s) {
    return new NamespaceProxyDoc(subscribeUrl, publishUrl, timeoutMs, s);
  }

  /** What the chat layer uses: a checked proxy whose secret is open. */
  NamespaceProxy toProxy() {
    return new NamespaceProxy(
        subscribeUrl == null ? null : URI.create(subscribeUrl),
        publishUrl == null ? null : URI.create(publishUrl),
        Duration.ofMillis(timeoutMs),
        secret);
  }

  @Override
  public String toString() {
    return "NamespaceProxyDoc[subscribeUrl="
        + subscribeUrl
        + ", publishUrl="
        + publishUrl
        + ", timeoutMs="
        + timeoutMs
        + ", secret="
        + (secret == null ? "null" : "****")
        + "]";
  }
}
