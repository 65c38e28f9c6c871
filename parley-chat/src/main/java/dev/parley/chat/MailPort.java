package dev.parley.chat;

/**
 * Where away mail leaves the chat layer: an SMTP sender behind the {@link MailStore}'s outbox
 * ({@code SmtpMail} in parley-bots). The chat layer queues mails in the store and tells the port;
 * the port sends them off the event loops and records each attempt in the store.
 *
 * <p>Implementations are thread-safe and never block the caller.
 */
public interface MailPort {

  /** No mail: the widget offers none, {@code contact} and {@code transcript} are refused. */
  MailPort NONE =
      new MailPort() {
        @Override
        public boolean enabled() {
          return false;
        }

        @Override
        public String problemWith(String address) {
          return "this server sends no mail";
        }

        @Override
        public void queued() {}
      };

  /** Whether mail is configured (an SMTP host is set). */
  boolean enabled();

  /**
   * Why {@code address} is not an address mail can go to (an RFC 5322 addr-spec of at most 254
   * characters), or null when it is fine.
   */
  String problemWith(String address);

  /** Mails were queued: send what is due soon. Any thread. */
  void queued();
}
