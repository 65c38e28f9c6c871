package dev.parley.chat;

import java.util.regex.Pattern;

/**
 * What of a bot's answer is read aloud: its text without the marks that are for the eye — fenced
 * code, Markdown emphasis, headings, bullets and quotes, link targets and bare web addresses,
 * citation markers such as {@code [1]} or {@code [^2]} (the sources are listed under the answer,
 * not read) — with its spaces collapsed, and at most {@link #MAX_CHARS} characters (cut at the last
 * sentence or word that fits). Stateless and thread-safe.
 */
public final class SpokenText {
  /** The most characters sent to be spoken: OpenAI's {@code /v1/audio/speech} takes 4096. */
  public static final int MAX_CHARS = 4096;

  private static final Pattern FENCED = Pattern.compile("(?s)```.*?(```|$)");
  private static final Pattern IMAGE = Pattern.compile("!\\[([^\\]]*)\\]\\([^)]*\\)");
  private static final Pattern LINK = Pattern.compile("\\[([^\\]]+)\\]\\([^)]*\\)");
  private static final Pattern CITATION =
      Pattern.compile("\\s?(\\[\\^?\\d{1,3}\\]|【\\d{1,3}[^】]*】)");
  private static final Pattern URL = Pattern.compile("\\bhttps?://\\S+");
  private static final Pattern LINE_MARK =
      Pattern.compile("(?m)^[ \\t]*(#{1,6}[ \\t]+|>[ \\t]?|[-*+][ \\t]+|\\d{1,3}[.)][ \\t]+)");
  private static final Pattern EMPHASIS = Pattern.compile("(\\*{1,3}|_{2,3}|~~|`)");
  private static final Pattern UNDERSCORED =
      Pattern.compile("(?<!\\w)_([^_\\s](?:[^_]*[^_\\s])?)_(?!\\w)");
  private static final Pattern SPACES = Pattern.compile("\\s+");

  private SpokenText() {}

  /** The words of {@code text} to be spoken (empty when nothing is left). */
  public static String of(String text) {
    if (text == null) {
      return "";
    }
    String s = FENCED.matcher(text).replaceAll(" ");
    s = IMAGE.matcher(s).replaceAll("$1");
    s = LINK.matcher(s).replaceAll("$1");
    s = CITATION.matcher(s).replaceAll("");
    s = URL.matcher(s).replaceAll("");
    s = LINE_MARK.matcher(s).replaceAll("");
    s = EMPHASIS.matcher(s).replaceAll("");
    s = UNDERSCORED.matcher(s).replaceAll("$1");
    s = SPACES.matcher(s).replaceAll(" ").strip();
    return capped(s);
  }

  private static String capped(String s) {
    if (s.length() <= MAX_CHARS) {
      return s;
    }
    String head = s.substring(0, MAX_CHARS);
    int sentence =
        Math.max(head.lastIndexOf(". "), Math.max(head.lastIndexOf("! "), head.lastIndexOf("? ")));
    if (sentence > MAX_CHARS / 2) {
      return head.substring(0, sentence + 1);
    }
    int space = head.lastIndexOf(' ');
    return space > 0 ? head.substring(0, space) : head;
  }
}
