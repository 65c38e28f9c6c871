package dev.parley.bots;

import dev.parley.chat.MailPolicy;
import java.time.Duration;
import java.util.Locale;

/**
 * Where away mail goes: an SMTP server and the sender's address. Mail is off when {@code host} is
 * null. Immutable; {@link #toString()} never shows the password.
 *
 * @param host the SMTP server's host name, or null for no mail
 * @param port its port (25, 587 with STARTTLS, 465 with TLS)
 * @param username the login, or null for none
 * @param password the login's password, or null (a secret: never printed)
 * @param tls how the connection is protected
 * @param from the sender's address, such as {@code support@example.com}
 * @param timeout the longest a connection, a read or a write with the server may take
 * @param batchWindow how long an agent's reply to an away visitor waits for more replies, which go
 *     into the same mail (not a setting of {@code parley run}: 2 minutes there)
 */
public record SmtpSettings(
    String host,
    int port,
    String username,
    String password,
    Tls tls,
    String from,
    Duration timeout,
    Duration batchWindow) {

  /** How the connection to the SMTP server is protected. */
  public enum Tls {
    /** Plain SMTP (a server on the same host or network). */
    NONE,
    /** Plain at first, then upgraded with STARTTLS; refused when the server cannot. */
    STARTTLS,
    /** TLS from the first byte (SMTPS, usually port 465). */
    TLS;

    /** The name in settings. */
    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@link #wire()}. */
    public static Tls ofWire(String s) {
      return valueOf(s.toUpperCase(Locale.ROOT));
    }
  }

  /** No mail. */
  public static SmtpSettings off() {
    return new SmtpSettings(
        null,
        25,
        null,
        null,
        Tls.NONE,
        "parley@localhost",
        Duration.ofSeconds(10),
        MailPolicy.defaults().batchWindow());
  }

  /** With {@code v} as the host (null or blank: no mail). */
  public SmtpSettings withHost(String v) {
    return new SmtpSettings(v, port, username, password, tls, from, timeout, batchWindow);
  }

  /** With {@code v} as the port. */
  public SmtpSettings withPort(int v) {
    return new SmtpSettings(host, v, username, password, tls, from, timeout, batchWindow);
  }

  /** With {@code v} as the login (null: none). */
  public SmtpSettings withUsername(String v) {
    return new SmtpSettings(host, port, v, password, tls, from, timeout, batchWindow);
  }

  /** With {@code v} as the password. */
  public SmtpSettings withPassword(String v) {
    return new SmtpSettings(host, port, username, v, tls, from, timeout, batchWindow);
  }

  /** With {@code v} as the protection. */
  public SmtpSettings withTls(Tls v) {
    return new SmtpSettings(host, port, username, password, v, from, timeout, batchWindow);
  }

  /** With {@code v} as the sender's address. */
  public SmtpSettings withFrom(String v) {
    return new SmtpSettings(host, port, username, password, tls, v, timeout, batchWindow);
  }

  /** With {@code v} as the time-out. */
  public SmtpSettings withTimeout(Duration v) {
    return new SmtpSettings(host, port, username, password, tls, from, v, batchWindow);
  }

  /** With {@code v} as the batch window. */
  public SmtpSettings withBatchWindow(Duration v) {
    return new SmtpSettings(host, port, username, password, tls, from, timeout, v);
  }

  /**
   * Checks the settings as {@code parley run} takes them.
   *
   * @throws IllegalArgumentException naming the setting that is wrong
   */
  public SmtpSettings check() {
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("smtp-port must be from 1 to 65535");
    }
    if (timeout == null
        || timeout.compareTo(Duration.ofSeconds(1)) < 0
        || timeout.compareTo(Duration.ofMinutes(5)) > 0) {
      throw new IllegalArgumentException("smtp-timeout must be from 1s to 5m");
    }
    if (password != null && username == null) {
      throw new IllegalArgumentException("smtp-password needs smtp-username");
    }
    if (enabled()) {
      String problem = SmtpMail.checkAddress(from);
      if (problem != null) {
        throw new IllegalArgumentException("mail-from: " + problem);
      }
    }
    return this;
  }

  /** Whether mail is on (a host is set). */
  public boolean enabled() {
    return host != null && !host.isBlank();
  }

  @Override
  public String toString() {
    return "SmtpSettings[host="
        + host
        + ", port="
        + port
        + ", username="
        + username
        + ", password="
        + (password == null ? "null" : "********")
        + ", tls="
        + tls.wire()
        + ", from="
        + from
        + ", timeout="
        + timeout
        + ", batchWindow="
        + batchWindow
        + "]";
  }
}
