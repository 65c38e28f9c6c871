package dev.parley.chat;

import java.util.regex.Pattern;

/**
 * A canned response of a site, shared by its agents: typing {@code /shortcut} in the console's
 * composer offers {@code text}. Kept by the {@link ChatStore}, one per (site, shortcut). Immutable.
 *
 * @param site the site it belongs to
 * @param shortcut 1 to 32 of {@code a-z 0-9 -}, unique per site
 * @param text what it inserts: not blank, at most {@link #MAX_TEXT} code points
 * @param updatedBy the user id of the agent who last saved it
 * @param updatedAtMillis when (epoch ms)
 */
public record CannedResponse(
    String site, String shortcut, String text, String updatedBy, long updatedAtMillis) {

  /** What a shortcut is made of. */
  public static final Pattern SHORTCUT = Pattern.compile("[a-z0-9-]{1,32}");

  /** The longest text, in Unicode code points. */
  public static final int MAX_TEXT = 2000;

  /** The most canned responses a site has. */
  public static final int MAX_PER_SITE = 500;

  /** What saving did. */
  public enum Saved {
    /** A new shortcut. */
    CREATED,
    /** The shortcut's text replaced. */
    UPDATED,
    /** Nothing: the site has {@link #MAX_PER_SITE} already and this shortcut is new. */
    FULL
  }
}
