package dev.parley.protocol.chat;

import dev.parley.protocol.Command;
import dev.parley.protocol.Fields;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The chat product's commands (see {@code docs/PROTOCOL.md#chat-commands}), registered with the
 * codec by {@link ChatProtocol}. Immutable records; {@link #validate()} checks fields like the
 * core's commands do.
 */
public interface ChatCommand extends Command {

  /** Stop a bot answer while it streams: what was said so far is kept, marked {@code stopped}. */
  record Stop(String ref, String conv, String answer) implements ChatCommand {
    @Override
    public void validate() {
      Fields.optionalRef(ref);
      Fields.conversation("conv", conv);
      Fields.id("answer", answer);
    }
  }

  /** Visitor: ask for a human agent (the "Talk to a human" button). */
  record Handoff(String ref, String conv) implements ChatCommand {
    @Override
    public void validate() {
      Fields.optionalRef(ref);
      Fields.conversation("conv", conv);
    }
  }

  /** Agent: take a queued conversation (or one from the bot). */
  record Accept(String ref, String conv) implements ChatCommand {
    @Override
    public void validate() {
      Fields.optionalRef(ref);
      Fields.conversation("conv", conv);
    }
  }

  /** Agent: hand an assigned conversation to another agent of the site. */
  record Transfer(String ref, String conv, String to) implements ChatCommand {
    @Override
    public void validate() {
      Fields.optionalRef(ref);
      Fields.conversation("conv", conv);
      Fields.id("to", to);
    }
  }

  /** Agent: close a conversation; a new visitor message reopens it with the bot. */
  record Resolve(String ref, String conv) implements ChatCommand {
    @Override
    public void validate() {
      Fields.optionalRef(ref);
      Fields.conversation("conv", conv);
    }
  }

  /**
   * Back to the bot: a queued visitor leaves the queue, or the assigned agent hands the
   * conversation back.
   */
  record BackToBot(String ref, String conv) implements ChatCommand {
    @Override
    public void validate() {
      Fields.optionalRef(ref);
      Fields.conversation("conv", conv);
    }
  }

  /**
   * Visitor: rates a resolved conversation {@code good} or {@code bad}, with an optional comment of
   * at most {@link #MAX_COMMENT} code points. Rating again replaces the earlier rating.
   */
  record Rate(String ref, String conv, String rating, String comment) implements ChatCommand {
    /** The longest comment, in Unicode code points. */
    public static final int MAX_COMMENT = 1000;

    @Override
    public void validate() {
      Fields.optionalRef(ref);
      Fields.conversation("conv", conv);
      if (rating == null) {
        throw Fields.missing("rating");
      }
      if (!rating.equals("good") && !rating.equals("bad")) {
        throw Fields.invalid("rating", "must be good or bad");
      }
      if (comment != null && comment.codePointCount(0, comment.length()) > MAX_COMMENT) {
        throw Fields.invalid("comment", "at most " + MAX_COMMENT + " characters");
      }
    }
  }

  /**
   * Visitor: leaves an email address for its conversation, so that agents' replies written while it
   * is away are mailed to it (see {@code docs/PROTOCOL.md#away-mail}). The address is checked here
   * for its shape (at most {@link #MAX_EMAIL} characters, one {@code @}, no spaces or control
   * characters); the server checks it as an RFC 5322 address too. Leaving another one replaces it.
   */
  record Contact(String ref, String conv, String email) implements ChatCommand {
    /** The longest address (RFC 5321's path limit less the angle brackets). */
    public static final int MAX_EMAIL = 254;

    @Override
    public void validate() {
      Fields.optionalRef(ref);
      Fields.conversation("conv", conv);
      if (email == null) {
        throw Fields.missing("email");
      }
      if (email.length() > MAX_EMAIL) {
        throw Fields.invalid("email", "at most " + MAX_EMAIL + " characters");
      }
      int at = email.lastIndexOf('@');
      if (at < 1 || at == email.length() - 1 || email.chars().anyMatch(ch -> ch <= ' ')) {
        throw Fields.invalid("email", "must be an email address such as ana@example.com");
      }
    }
  }

  /** Visitor: asks for the conversation's transcript by email, to the address it left. */
  record Transcript(String ref, String conv) implements ChatCommand {
    @Override
    public void validate() {
      Fields.optionalRef(ref);
      Fields.conversation("conv", conv);
    }
  }

  /**
   * Agent of the conversation's site: sets the conversation's labels (the whole list; an empty list
   * removes them all). Each is 1 to {@link #MAX_LABEL_LENGTH} of {@code a-z 0-9 -}, at most {@link
   * #MAX_LABELS} of them; repeats count once.
   */
  record Label(String ref, String conv, List<String> labels) implements ChatCommand {
    /** The most labels a conversation has. */
    public static final int MAX_LABELS = 10;

    /** The longest label, in characters. */
    public static final int MAX_LABEL_LENGTH = 32;

    /** What a label is made of. */
    public static final Pattern LABEL = Pattern.compile("[a-z0-9-]{1,32}");

    @Override
    public void validate() {
      Fields.optionalRef(ref);
      Fields.conversation("conv", conv);
      checkLabels(labels);
    }

    /**
     * Checks a list of labels as the labelling command and the REST API take it.
     *
     * @throws dev.parley.protocol.ProtocolException {@code invalid_field} naming {@code labels}
     */
    public static List<String> checkLabels(List<String> labels) {
      if (labels == null) {
        throw Fields.missing("labels");
      }
      TreeSet<String> distinct = new TreeSet<>();
      for (String l : labels) {
        if (l == null || !LABEL.matcher(l).matches()) {
          throw Fields.invalid(
              "labels", "each label is 1-" + MAX_LABEL_LENGTH + " characters of a-z 0-9 -");
        }
        distinct.add(l);
      }
      if (distinct.size() > MAX_LABELS) {
        throw Fields.invalid("labels", "at most " + MAX_LABELS + " labels");
      }
      return List.copyOf(distinct);
    }
  }

  /**
   * Visitor: what the widget knows of the page and the browser, for the agents' visitor panel (see
   * {@code docs/PROTOCOL.md#context}). Every field but {@code conv} is optional; all of it is what
   * the visitor's browser says, shown to agents and never used for a decision.
   *
   * @param url the page's address: an absolute http(s) URL of at most {@link #MAX_URL} characters
   * @param title the page's title, at most {@link #MAX_TITLE} code points
   * @param referrer the page the visitor came from, like {@code url}
   * @param timeZone the browser's IANA time zone ({@code Europe/Berlin}), at most 64 characters
   * @param utcOffsetMinutes the browser's offset from UTC in minutes (east positive), -840..840
   * @param userAgent the browser's user agent string, at most {@link #MAX_USER_AGENT} characters
   */
  record Context(
      String ref,
      String conv,
      String url,
      String title,
      String referrer,
      String timeZone,
      Integer utcOffsetMinutes,
      String userAgent)
      implements ChatCommand {
    /** The longest page address and referrer, in characters. */
    public static final int MAX_URL = 2048;

    /** The longest page title, in code points. */
    public static final int MAX_TITLE = 300;

    /** The longest user agent string, in characters. */
    public static final int MAX_USER_AGENT = 512;

    /** An IANA time zone name as browsers give it. */
    public static final Pattern TIME_ZONE = Pattern.compile("[A-Za-z0-9_+/-]{1,64}");

    @Override
    public void validate() {
      Fields.optionalRef(ref);
      Fields.conversation("conv", conv);
      webAddress("url", url);
      webAddress("referrer", referrer);
      if (title != null
          && (title.codePointCount(0, title.length()) > MAX_TITLE || hasControl(title))) {
        throw Fields.invalid("title", "is at most " + MAX_TITLE + " characters, no control ones");
      }
      if (timeZone != null && !TIME_ZONE.matcher(timeZone).matches()) {
        throw Fields.invalid("timeZone", "must be a time zone name such as Europe/Berlin");
      }
      if (utcOffsetMinutes != null && Math.abs(utcOffsetMinutes) > 840) {
        throw Fields.invalid("utcOffsetMinutes", "must be between -840 and 840");
      }
      if (userAgent != null && (userAgent.length() > MAX_USER_AGENT || hasControl(userAgent))) {
        throw Fields.invalid(
            "userAgent", "is at most " + MAX_USER_AGENT + " characters, no control ones");
      }
    }

    private static void webAddress(String field, String v) {
      if (v == null || v.isEmpty()) {
        return;
      }
      boolean ok = v.length() <= MAX_URL && !hasControl(v) && v.indexOf(' ') < 0;
      if (ok) {
        try {
          URI u = new URI(v);
          ok =
              ("http".equalsIgnoreCase(u.getScheme()) || "https".equalsIgnoreCase(u.getScheme()))
                  && u.getHost() != null;
        } catch (URISyntaxException e) {
          ok = false;
        }
      }
      if (!ok) {
        throw Fields.invalid(field, "must be an http(s) URL of at most " + MAX_URL + " characters");
      }
    }

    private static boolean hasControl(String s) {
      return s.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f);
    }
  }

  /**
   * Visitor: the answers of the site's pre-chat form, field key to value (see {@code
   * docs/PROTOCOL.md#prechat}). Checked here for shape; the chat layer checks them against the
   * site's form (required fields, email syntax, lengths) and names the first wrong field.
   */
  record Prechat(String ref, String conv, Map<String, String> fields) implements ChatCommand {
    /** The most answers one form takes. */
    public static final int MAX_FIELDS = 10;

    /** The longest answer, in characters (a form field's own limit is usually smaller). */
    public static final int MAX_VALUE = 1000;

    /** A form field's key. */
    public static final Pattern KEY = Pattern.compile("[a-z][a-z0-9_]{0,31}");

    @Override
    public void validate() {
      Fields.optionalRef(ref);
      Fields.conversation("conv", conv);
      if (fields == null) {
        throw Fields.missing("fields");
      }
      if (fields.size() > MAX_FIELDS) {
        throw Fields.invalid("fields", "has at most " + MAX_FIELDS + " answers");
      }
      for (Map.Entry<String, String> e : fields.entrySet()) {
        if (!KEY.matcher(e.getKey()).matches()) {
          throw Fields.invalid("fields", "keys are 1-32 characters of a-z 0-9 _");
        }
        if (e.getValue() != null && e.getValue().length() > MAX_VALUE) {
          throw Fields.invalid(e.getKey(), "is at most " + MAX_VALUE + " characters");
        }
      }
    }
  }
}
