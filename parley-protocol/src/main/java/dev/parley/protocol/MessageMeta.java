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
import java.util.regex.Pattern;

/**
 * What a stored message carries besides its text: the {@code meta} of the {@code message} event
 * (docs/PROTOCOL.md#message-meta), kept in one JSON column by the store. It holds the sources a
 * bot's answer cites and the files a message carries; each field is optional, so a reader that does
 * not know a field ignores it and later fields are added here. Immutable; a valid instance is
 * within every limit below.
 *
 * <p>Only the server makes it: the bots (sources, and the webhook bot's signed reply), and the chat
 * layer from the file ids of a {@code send}'s {@code attachments} (the records of the files the
 * sender uploaded, never what the client says about them).
 *
 * @param sources what the answer was drawn from, at most {@value #MAX_SOURCES}, in the bot's order
 *     of relevance; empty when none
 * @param attachments the files the message carries, at most {@value #MAX_ATTACHMENTS}, in the
 *     sender's order; empty when none
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
public record MessageMeta(List<Source> sources, List<Attachment> attachments) {
  /** Most sources one message cites. */
  public static final int MAX_SOURCES = 5;

  /**
   * Most files one message carries, whatever a site sets (a site's own limit, {@code
   * files.maxPerMessage}, is 1 to this; its default is 10).
   */
  public static final int MAX_ATTACHMENTS = 20;

  /** Largest {@code sources}, as UTF-8 JSON. */
  public static final int MAX_SOURCES_JSON_BYTES = 8 * 1024;

  /**
   * Largest meta, as UTF-8 JSON: it travels in every replay of the message. Twenty attachments with
   * names of the longest kept length in three-byte characters take about 10 KiB, so the bounds of
   * each part keep a valid meta within this one.
   */
  public static final int MAX_JSON_BYTES = 16 * 1024;

  /** Meta with nothing in it. */
  public static final MessageMeta NONE = new MessageMeta(List.of());

  private static final JsonMapper JSON =
      JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  /**
   * @throws IllegalArgumentException naming the limit that is broken
   */
  public MessageMeta {
    sources = sources == null ? List.of() : List.copyOf(sources);
    attachments = attachments == null ? List.of() : List.copyOf(attachments);
    if (sources.size() > MAX_SOURCES) {
      throw new IllegalArgumentException(
          "sources holds at most " + MAX_SOURCES + " entries, not " + sources.size());
    }
    if (!sources.isEmpty() && jsonBytes(Map.of("sources", sources)) > MAX_SOURCES_JSON_BYTES) {
      throw new IllegalArgumentException(
          "meta is larger than "
              + MAX_SOURCES_JSON_BYTES
              + " bytes of JSON; cite fewer or shorter sources");
    }
    if (attachments.size() > MAX_ATTACHMENTS) {
      throw new IllegalArgumentException(
          "attachments holds at most " + MAX_ATTACHMENTS + " entries, not " + attachments.size());
    }
    if (attachments.stream().map(Attachment::id).distinct().count() < attachments.size()) {
      throw new IllegalArgumentException("attachments names a file twice");
    }
    if (!attachments.isEmpty()
        && jsonBytes(Map.of("a", attachments, "s", sources)) > MAX_JSON_BYTES) {
      throw new IllegalArgumentException(
          "meta is larger than " + MAX_JSON_BYTES + " bytes of JSON");
    }
  }

  /** Meta citing {@code sources} only. */
  public MessageMeta(List<Source> sources) {
    this(sources, List.of());
  }

  /**
   * Meta carrying {@code attachments} only; null when there are none. Transcripts are shortened
   * (the longest first, by half) until the meta fits {@value #MAX_JSON_BYTES} bytes: the file's
   * record keeps each whole.
   */
  public static MessageMeta attaching(List<Attachment> attachments) {
    if (attachments.isEmpty()) {
      return null;
    }
    List<Attachment> fitted = new ArrayList<>(attachments);
    while (jsonBytes(Map.of("a", fitted)) > MAX_JSON_BYTES) {
      int longest = -1;
      for (int i = 0; i < fitted.size(); i++) {
        String t = fitted.get(i).transcript();
        if (t != null && (longest < 0 || t.length() > fitted.get(longest).transcript().length())) {
          longest = i;
        }
      }
      if (longest < 0) {
        break; // no transcript left to shorten: the constructor says what is too large
      }
      Attachment a = fitted.get(longest);
      String t = a.transcript();
      fitted.set(
          longest, a.withTranscript(t.length() < 16 ? null : Source.shorten(t, t.length() / 2)));
    }
    return new MessageMeta(List.of(), fitted);
  }

  /**
   * Meta citing {@code candidates} as a bot finds them: nulls and repeats (same title and url)
   * dropped, the first {@value #MAX_SOURCES} kept, then the last ones dropped while they are larger
   * than {@value #MAX_SOURCES_JSON_BYTES} bytes. Null when nothing is left.
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
    while (!kept.isEmpty() && jsonBytes(Map.of("sources", kept)) > MAX_SOURCES_JSON_BYTES) {
      kept.remove(kept.size() - 1);
    }
    return kept.isEmpty() ? null : new MessageMeta(kept);
  }

  /** Whether it holds nothing. */
  @JsonIgnore
  public boolean isEmpty() {
    return sources.isEmpty() && attachments.isEmpty();
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
   * A file a message carries: the metadata of an uploaded file's record, copied into the message
   * when it is sent (docs/PROTOCOL.md#attachments). The bytes are fetched apart, through fresh
   * signed links ({@code GET /api/files/{id}}). Immutable; valid when made.
   *
   * @param id the file's id ({@code f_} and 22 base64url characters)
   * @param name the file's name, 1 to {@value #MAX_NAME_CHARS} characters (a longer one is
   *     shortened by {@link #fitted}; the file's record keeps the whole name)
   * @param type its media type as detected from its bytes, {@code type/subtype}
   * @param size its length in bytes
   * @param width an image's width in pixels, or null for anything else
   * @param height an image's height in pixels, or null
   * @param thumbnail whether it has a thumbnail (images)
   * @param duration an audio file's length in seconds when the server knows it, or null
   * @param transcript an audio file's transcript, at most {@value #MAX_TRANSCRIPT_CHARS}
   *     characters, or null (none asked for, or it failed: see {@code transcriptError})
   * @param transcriptError why an audio file has no transcript ({@code timeout}, {@code
   *     unavailable}, {@code rejected}, {@code invalid_answer}), or null
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Attachment(
      String id,
      String name,
      String type,
      long size,
      Integer width,
      Integer height,
      boolean thumbnail,
      Double duration,
      String transcript,
      String transcriptError) {
    /** Longest name an attachment keeps. */
    public static final int MAX_NAME_CHARS = 120;

    /** Longest transcript an attachment keeps (the file's record keeps the whole). */
    public static final int MAX_TRANSCRIPT_CHARS = 4000;

    /** An attachment without duration or transcript. */
    public Attachment(
        String id,
        String name,
        String type,
        long size,
        Integer width,
        Integer height,
        boolean thumbnail) {
      this(id, name, type, size, width, height, thumbnail, null, null, null);
    }

    /** Longest media type. */
    public static final int MAX_TYPE_CHARS = 100;

    /** What a file id looks like. */
    public static final Pattern ID = Pattern.compile("f_[A-Za-z0-9_-]{22}");

    private static final Pattern TYPE = Pattern.compile("[a-z0-9.+-]+/[a-z0-9.+-]+");

    /**
     * @throws IllegalArgumentException naming the field that is wrong
     */
    public Attachment {
      if (id == null || !ID.matcher(id).matches()) {
        throw new IllegalArgumentException("id is not a file id");
      }
      if (name == null || name.isBlank() || name.length() > MAX_NAME_CHARS) {
        throw new IllegalArgumentException("name must be 1 to " + MAX_NAME_CHARS + " characters");
      }
      if (type == null || type.length() > MAX_TYPE_CHARS || !TYPE.matcher(type).matches()) {
        throw new IllegalArgumentException("type is not a media type");
      }
      if (size < 0) {
        throw new IllegalArgumentException("size must be >= 0");
      }
      if ((width == null) != (height == null) || (width != null && (width < 1 || height < 1))) {
        throw new IllegalArgumentException("width and height are both absent or both >= 1");
      }
      if (duration != null && !(duration >= 0)) {
        throw new IllegalArgumentException("duration must be >= 0");
      }
      if (transcript != null && transcript.length() > MAX_TRANSCRIPT_CHARS) {
        throw new IllegalArgumentException(
            "transcript is longer than " + MAX_TRANSCRIPT_CHARS + " characters");
      }
      if (transcriptError != null && !transcriptError.matches("[a-z_]{1,32}")) {
        throw new IllegalArgumentException("transcriptError is not an error code");
      }
    }

    /** This attachment with another transcript. */
    public Attachment withTranscript(String t) {
      return new Attachment(
          id, name, type, size, width, height, thumbnail, duration, t, transcriptError);
    }

    /**
     * This attachment with an audio file's duration and the outcome of its transcription (the
     * transcript shortened to {@value #MAX_TRANSCRIPT_CHARS} characters).
     */
    public Attachment withAudio(Double seconds, String text, String error) {
      return new Attachment(
          id,
          name,
          type,
          size,
          width,
          height,
          thumbnail,
          seconds,
          text == null ? null : Source.shorten(text.strip(), MAX_TRANSCRIPT_CHARS),
          error);
    }

    /** An attachment of a file's record, its name shortened (ending in an ellipsis) to fit. */
    public static Attachment fitted(
        String id,
        String name,
        String type,
        long size,
        Integer width,
        Integer height,
        boolean thumbnail) {
      return new Attachment(
          id, Source.shorten(name.strip(), MAX_NAME_CHARS), type, size, width, height, thumbnail);
    }

    /** Whether it is an image (it has dimensions, and a thumbnail when the server made one). */
    @JsonIgnore
    public boolean isImage() {
      return width != null;
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

    static String shorten(String s, int max) {
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
