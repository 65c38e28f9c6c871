package dev.parley.chat;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link MailPort} that sends nothing and records each time mails were queued. Addresses pass
 * when they have one {@code @} with text on both sides (the SMTP adapter's real check, RFC 5322 by
 * Jakarta Mail, is tested in parley-bots). Thread-safe.
 */
final class RecordingMailPort implements MailPort {
  /** Whether mail is on; off by default so that other tests see no {@code mail} events. */
  volatile boolean enabled;

  /** One entry per {@link #queued()} call. */
  final LinkedBlockingQueue<Boolean> queued = new LinkedBlockingQueue<>();

  @Override
  public boolean enabled() {
    return enabled;
  }

  @Override
  public String problemWith(String address) {
    int at = address.indexOf('@');
    return at > 0 && at == address.lastIndexOf('@') && at < address.length() - 1
        ? null
        : "not an email address";
  }

  @Override
  public void queued() {
    queued.add(true);
  }

  /** Waits up to 5 s for the next {@link #queued()} call. */
  void awaitQueued() throws InterruptedException {
    if (queued.poll(5, TimeUnit.SECONDS) == null) {
      throw new AssertionError("no mail was queued");
    }
  }
}
