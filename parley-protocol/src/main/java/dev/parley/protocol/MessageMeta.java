package dev.parley.protocol;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What a stored message carries besides its text: the {@code meta} of the {@code message} event
 * (docs/PROTOCOL.md#message-meta), kept in one JSON column by the store. Today it holds the sources
 * a bot's answer cites; later fields (attachments) are added here, each optional, so a reader that
 * does not know a field ignores it. Immutable; a valid instance is within every limit below.
 *
 * <p>Only the server makes it (the bots, and the webhook bot's signed reply): a visitor's or an
 * agent's {@code send} has no {@code meta}.
 *
 * @param sources what the answer was drawn from, at most {@value #MAX_SOURCES}, in the bot's order
 *     of relevance; empty when none
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
public record MessageMeta(List<Source> sources) {
  /** Most sources one message cites. */
  public static final int MAX_SOURCES = 5;

  /** Largest meta, as UTF-8 JSON: it travels in every replay of the message. */
  public static final int MAX_JSON_BYTES = 8 * 1024;

  /** Meta with nothing in it. */
  public static final MessageMeta NONE = new MessageMeta(List.of());

  private static final JsonMapper JSON =
      JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  /**
   * @throws IllegalArgumentException naming the limit that is broken
   */
  public MessageMeta {
    sources = sources == null ? List.of() : List.copyOf(sources);
    if (sources.size() > MAX_SOURCES) {
      throw new IllegalArgumentException(
          "sources holds at most " + MAX_SOURCES + " entries, not " + sources.size());
    }
    if (!sources.isEmpty() && jsonBytes(Map.of("sources", sources)) > MAX_JSON_BYTES) {
      throw new IllegalArgumentException(
          "meta is larger than "
              + MAX_JSON_BYTES
              + " bytes of JSON; cite fewer or shorter sources");
    }
  }

  /**
   * Meta citing {@code candidates} as a bot finds them: nulls and repeats (same title and url)
   * dropped, the first {@value #MAX_SOURCES} kept, then the last ones dropped while it is larger
   * than {@value #MAX_JSON_BYTES} bytes. Null when nothing is left.
   */
  public static MessageMeta citing(List<Source> candidates) {
    List<Source> kept = new ArrayList<>();
    for (Source s : candidates) {
      if (s != null
          && kept.size() < MAX_SOURCES
          && kept.stream().noneMatch(k -> k.sameDocument(s))) {
        kept.add(s);
      }
    }
    while (!kept.isEmpty() && jsonBytes(Map.of("sources", kept)) > MAX_JSON_BYTES) {
      kept.remove(kept.size() - 1);
    }
    return kept.isEmpty() ? null : new MessageMeta(kept);
  }

  /** Whether it holds nothing. */
  @JsonIgnore
  public boolean isEmpty() {
    return sources.isEmpty();
  }

  /** This meta as the JSON object the store keeps and the {@code message} event carries. */
  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Meta from its JSON (as {@link #toJson} wrote it, by this version or a later one: fields it does
   * not know are ignored); null for null or an empty object.
   *
   * @throws IllegalArgumentException for text that is not such JSON
   */
  public static MessageMeta fromJson(String json) {
    if (json == null) {
      return null;
    }
    try {
      MessageMeta m = JSON.readValue(json, MessageMeta.class);
      return m == null || m.isEmpty() ? null : m;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("stored meta is not valid: " + e.getOriginalMessage(), e);
    }
  }

  private static int jsonBytes(Object value) {
    try {
      return JSON.writeValueAsBytes(value).length;
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A document an answer was drawn from. Immutable; valid when made.
   *
   * @param title what the document is called, 1 to {@value #MAX_TITLE_CHARS} characters
   * @param url where it can be read, an absolute {@code http} or {@code https} URL of at most
   *     {@value #MAX_URL_CHARS} characters; null for a document that has no address (an uploaded
   *     file)
   * @param snippet the passage used, at most {@value #MAX_SNIPPET_CHARS} characters; or null
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Source(String title, String url, String snippet) {
    /** Longest title. */
    public static final int MAX_TITLE_CHARS = 200;

    /** Longest URL. */
    public static final int MAX_URL_CHARS = 2048;

    /** Longest snippet. */
    public static final int MAX_SNIPPET_CHARS = 300;

    /**
     * @throws IllegalArgumentException naming the field that is wrong
     */
    public Source {
      if (title == null || title.isBlank()) {
        throw new IllegalArgumentException("title is missing");
      }
      if (title.length() > MAX_TITLE_CHARS) {
        throw new IllegalArgumentException(
            "title is longer than " + MAX_TITLE_CHARS + " characters");
      }
      if (url != null && !isWebUrl(url)) {
        throw new IllegalArgumentException(
            "url must be an absolute http or https URL of at most "
                + MAX_URL_CHARS
                + " characters");
      }
      if (snippet != null && snippet.length() > MAX_SNIPPET_CHARS) {
        throw new IllegalArgumentException(
            "snippet is longer than " + MAX_SNIPPET_CHARS + " characters");
      }
    }

    /**
     * A source as a bot finds it, made to fit: title and snippet shortened (ending in an ellipsis),
     * an address that is not an http(s) URL left out. Null when there is no title.
     */
    public static Source fitted(String title, String url, String snippet) {
      if (title == null || title.isBlank()) {
        return null;
      }
      return new Source(
          shorten(title.strip(), MAX_TITLE_CHARS),
          url != null && isWebUrl(url) ? url : null,
          snippet == null || snippet.isBlank()
              ? null
              : shorten(snippet.strip(), MAX_SNIPPET_CHARS));
    }

    /** Whether {@code other} names the same document (title and url). */
    boolean sameDocument(Source other) {
      return title.equals(other.title) && Objects.equals(url, other.url);
    }

    /** Whether {@code url} is an absolute http(s) URL with a host, short enough. */
    public static boolean isWebUrl(String url) {
      if (url.length() > MAX_URL_CHARS) {
        return false;
      }
      try {
        URI u = new URI(url);
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        return (scheme.equals("http") || scheme.equals("https")) && u.getHost() != null;
      } catch (URISyntaxException e) {
        return false;
      }
    }

    private static String shorten(String s, int max) {
      if (s.length() <= max) {
        return s;
      }
      int cut = max - 1;
      if (Character.isLowSurrogate(s.charAt(cut))) {
        cut--;
      }
      return s.substring(0, cut) + "…";
    }
  }
}
