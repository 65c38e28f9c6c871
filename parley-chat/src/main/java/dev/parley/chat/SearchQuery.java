package dev.parley.chat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a {@link ConversationSearch} looks for. Immutable; the constructor checks every limit and
 * throws {@link Invalid} naming the field (docs/PROTOCOL.md#search).
 *
 * @param text what the agent typed: 1-{@value #MAX_TEXT} characters holding at least one word
 * @param sites the sites searched (the agent's own; every site for an admin); at least one
 * @param status only conversations with this status now, or null for any
 * @param label only conversations with this label, or null
 * @param agent only conversations assigned to this agent, or null
 * @param fromMillis only messages stored at or after this time (epoch ms; 0: no bound)
 * @param toMillis only messages stored before this time (epoch ms; {@link Long#MAX_VALUE}: none)
 * @param after the last hit of the previous page, or null for the first page
 * @param limit hits per page, 1-{@value #MAX_LIMIT}
 */
public record SearchQuery(
    String text,
    Set<String> sites,
    ConversationStatus status,
    String label,
    String agent,
    long fromMillis,
    long toMillis,
    After after,
    int limit) {

  /** The longest query, in characters (code points). */
  public static final int MAX_TEXT = 200;

  /** Hits per page when the agent asks for no number. */
  public static final int DEFAULT_LIMIT = 20;

  /** The most hits one page holds. */
  public static final int MAX_LIMIT = 100;

  /**
   * A word: a run of letters, digits, marks and private-use characters — what SQLite's {@code
   * unicode61} tokenizer keeps with {@code categories 'L* N* Co M*'} (V15); everything else
   * separates words.
   */
  private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}\\p{M}\\p{Co}]+");

  /** A label as labels are written ({@code ChatCommand.Label}). */
  private static final Pattern LABEL = Pattern.compile("[a-z0-9-]{1,32}");

  /** A query that breaks a limit: the field it names and why. */
  public static final class Invalid extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String field;

    public Invalid(String field, String message) {
      super(message);
      this.field = field;
    }

    /** The query parameter at fault. */
    public String field() {
      return field;
    }
  }

  /** Checks the limits. */
  public SearchQuery {
    if (text == null || text.isBlank()) {
      throw new Invalid("q", "missing search text");
    }
    if (text.codePointCount(0, text.length()) > MAX_TEXT) {
      throw new Invalid("q", "the search text is at most " + MAX_TEXT + " characters");
    }
    if (terms(text).isEmpty()) {
      throw new Invalid("q", "the search text needs at least one letter or digit");
    }
    if (sites == null || sites.isEmpty()) {
      throw new Invalid("site", "no site to search");
    }
    sites = Set.copyOf(sites);
    if (label != null && !LABEL.matcher(label).matches()) {
      throw new Invalid("label", "a label is 1-32 characters of a-z 0-9 -");
    }
    if (fromMillis < 0 || toMillis <= fromMillis) {
      throw new Invalid("to", "the range is empty: \"to\" must be after \"from\"");
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new Invalid("limit", "limit is 1-" + MAX_LIMIT);
    }
  }

  /** {@code text}'s words, lower-cased, in order, each once. */
  public static List<String> terms(String text) {
    List<String> out = new ArrayList<>();
    Matcher m = WORD.matcher(text);
    while (m.find()) {
      String w = m.group().toLowerCase(Locale.ROOT);
      if (!out.contains(w)) {
        out.add(w);
      }
    }
    return out;
  }

  /** This query's words ({@link #terms(String)}). */
  public List<String> terms() {
    return terms(text);
  }

  /**
   * A position in the hits' order (newest first): the message stored at {@code createdAtMillis} in
   * {@code stream} (a conversation, or its notes) at {@code seq}.
   */
  public record After(long createdAtMillis, String stream, long seq) {
    private static final Pattern TOKEN =
        Pattern.compile("(\\d{1,19})\\.(\\d{1,19})\\.([A-Za-z0-9_-]{1,200})");

    /** The opaque cursor the API hands out: {@code <ms>.<seq>.<base64url(stream)>}. */
    public String token() {
      return createdAtMillis
          + "."
          + seq
          + "."
          + Base64.getUrlEncoder()
              .withoutPadding()
              .encodeToString(stream.getBytes(StandardCharsets.UTF_8));
    }

    /** The position {@code token} names; throws {@link Invalid} for anything else. */
    public static After parse(String token) {
      Matcher m = TOKEN.matcher(token);
      if (!m.matches()) {
        throw new Invalid("cursor", "not a cursor this API handed out");
      }
      try {
        String stream =
            new String(Base64.getUrlDecoder().decode(m.group(3)), StandardCharsets.UTF_8);
        return new After(Long.parseLong(m.group(1)), stream, Long.parseLong(m.group(2)));
      } catch (IllegalArgumentException e) {
        throw new Invalid("cursor", "not a cursor this API handed out");
      }
    }
  }
}
