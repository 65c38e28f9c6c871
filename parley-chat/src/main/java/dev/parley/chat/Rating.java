package dev.parley.chat;

/**
 * A visitor's rating of a resolved conversation, as the {@link ChatStore} keeps it (one per
 * conversation; rating again replaces it). Immutable.
 *
 * @param conversation the rated conversation's id
 * @param site the conversation's site, which reports count by
 * @param good {@code good} (true) or {@code bad} (false) on the wire
 * @param comment the visitor's words with it, or null
 * @param ratedAtMillis when it was given (epoch ms)
 */
public record Rating(
    String conversation, String site, boolean good, String comment, long ratedAtMillis) {

  /** The rating as the protocol writes it: {@code good} or {@code bad}. */
  public String wire() {
    return good ? "good" : "bad";
  }

  /** Good and bad ratings of a site in a period, for reports. */
  public record Counts(long good, long bad) {}
}
