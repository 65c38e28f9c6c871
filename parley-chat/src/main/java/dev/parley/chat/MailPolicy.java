package dev.parley.chat;

import java.time.Duration;

/**
 * The limits of away mail. Immutable.
 *
 * @param batchWindow how long an agent's reply to an away visitor waits for more replies, which go
 *     into the same mail
 * @param transcriptsPerHour transcripts one conversation may ask for within an hour ({@code
 *     rate_limited} beyond)
 * @param siteMailsPerHour mails of any kind one site may queue within an hour: a transcript beyond
 *     is refused ({@code rate_limited}), a reply beyond is logged as failed for the admins;
 *     transcripts may take at most half of it, so visitors asking for them cannot use up what
 *     agents' replies need
 */
public record MailPolicy(Duration batchWindow, int transcriptsPerHour, int siteMailsPerHour) {

  /**
   * Replies batched for 2 minutes, 3 transcripts per conversation and 200 mails per site hourly.
   */
  public static MailPolicy defaults() {
    return new MailPolicy(Duration.ofMinutes(2), 3, 200);
  }

  public MailPolicy {
    if (batchWindow.isNegative()) {
      throw new IllegalArgumentException("the batch window may not be negative");
    }
    if (transcriptsPerHour < 0 || siteMailsPerHour < 0) {
      throw new IllegalArgumentException("mail limits may not be negative");
    }
  }
}
