package dev.parley.server;

import dev.parley.bots.SmtpSettings;

/** How the SMTP connection of away mail is protected: the {@code smtp-tls} setting. */
public enum SmtpTls implements Choice {
  /** Plain SMTP. */
  NONE(SmtpSettings.Tls.NONE),
  /** Upgraded with STARTTLS, which the server must offer. */
  STARTTLS(SmtpSettings.Tls.STARTTLS),
  /** TLS from the first byte. */
  TLS(SmtpSettings.Tls.TLS);

  private final SmtpSettings.Tls tls;

  SmtpTls(SmtpSettings.Tls tls) {
    this.tls = tls;
  }

  @Override
  public String key() {
    return tls.wire();
  }

  /** The mail module's value. */
  SmtpSettings.Tls tls() {
    return tls;
  }

  /** The choice of {@code t}. */
  static SmtpTls of(SmtpSettings.Tls t) {
    return valueOf(t.name());
  }
}
