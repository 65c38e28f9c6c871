package dev.parley.edge;

import dev.parley.chat.Directory;
import dev.parley.chat.Site;
import dev.parley.chat.SiteAppearance;
import dev.parley.chat.VoiceSettings;
import dev.parley.chat.WidgetOrigins;
import dev.parley.protocol.http.HttpApi;
import dev.parley.protocol.http.Json;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /api/sites/{site}/appearance}: how a site's widget looks, for the widget to restyle
 * itself at load ({@code docs/CLIENTS.md#the-widget}). Public (no token: the widget asks before its
 * visitor has one) but only for the pages that may open the site's widget: a request with an {@code
 * Origin} the site does not allow, and not the server's own, gets 403.
 *
 * <p>Cached and versioned: the {@code ETag} is a hash of the body, so every node gives the same one
 * for the same settings; browsers keep the answer {@link #MAX_AGE_SECONDS} seconds and then ask
 * again with {@code If-None-Match} (a {@code 304} when nothing changed).
 *
 * <p>Thread-safe (reads the directory's current sites); never blocks.
 */
public final class AppearanceApi implements HttpApi {
  private static final Pattern PATH =
      Pattern.compile("/api/sites/([A-Za-z0-9_.:-]{1,64})/appearance");

  /**
   * How long a browser uses an answer before asking again: a change reaches new page loads within a
   * minute, and a busy site's pages ask once a minute at most.
   */
  static final int MAX_AGE_SECONDS = 60;

  /**
   * What the widget gets; null fields are left out.
   *
   * @param texts the titles and launcher labels per language (greetings come over the protocol)
   * @param prechat the pre-chat form's fields when the site has it on, else null
   * @param voice what the widget's microphone button needs, or null when the site accepts no audio
   *     upload (the widget then offers no voice notes)
   * @param spokenAnswers {@code browser} or {@code server} when the widget reads the bot's answers
   *     aloud ({@code voice.spokenAnswers}), else null
   */
  public record View(
      String site,
      String botName,
      String accent,
      String position,
      String title,
      String launcherText,
      String avatarUrl,
      Map<String, LanguageTexts> texts,
      String lang,
      List<PrechatField> prechat,
      Voice voice,
      String spokenAnswers) {}

  /**
   * A site's voice notes as the widget gets them ({@code docs/CLIENTS.md#voice-notes}).
   *
   * @param maxSeconds the longest voice note the server takes ({@code voice.maxSeconds}): the
   *     widget's recorder stops by itself there
   */
  public record Voice(int maxSeconds) {}

  /**
   * A pre-chat form field as the widget gets it.
   *
   * @param kind {@code name}, {@code email}, {@code phone} or {@code text}
   * @param label the site's label, or null for the widget's word for the kind
   * @param maxLength the longest answer the server takes, in characters
   */
  public record PrechatField(
      String key, String kind, String label, boolean required, int maxLength) {}

  /** A language's texts as the widget gets them. */
  public record LanguageTexts(String title, String launcherText) {}

  private final HttpApi next;
  private final Directory directory;

  /**
   * @param next what handles every other path
   */
  public AppearanceApi(HttpApi next, Directory directory) {
    this.next = next;
    this.directory = directory;
  }

  @Override
  public CompletableFuture<Response> handle(Request r) {
    Matcher m = PATH.matcher(r.path());
    if (!m.matches()) {
      return next.handle(r);
    }
    if (!r.method().equals("GET") && !r.method().equals("HEAD")) {
      return done(error(405, "method_not_allowed", r.method() + " " + r.path()));
    }
    Site site = directory.site(m.group(1));
    if (site == null) {
      return done(error(404, "not_found", "no site " + m.group(1)));
    }
    String origin = r.header("origin");
    if (origin != null
        && !WidgetOrigins.allows(site, origin)
        && !WidgetOrigins.sameOrigin(origin, r.header("host"))) {
      return done(
          error(403, "forbidden", "origin " + origin + " may not open " + site.id() + "'s widget"));
    }
    byte[] body = Json.write(view(site));
    String etag = "\"" + hash(body) + "\"";
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("ETag", etag);
    headers.put("Cache-Control", "public, max-age=" + MAX_AGE_SECONDS);
    headers.put("Vary", "Origin");
    if (origin != null) {
      headers.put("Access-Control-Allow-Origin", origin);
    }
    if (etag.equals(r.header("if-none-match"))) {
      return done(new Response(304, "application/json", new byte[0], headers));
    }
    return done(new Response(200, "application/json", body, headers));
  }

  /** The widget's view of {@code s}. */
  static View view(Site s) {
    SiteAppearance a = s.appearance();
    VoiceSettings.SpokenAnswers spoken = s.voice().spokenAnswers();
    String speaks = spoken == VoiceSettings.SpokenAnswers.OFF ? null : spoken.wire();
    if (a == null) {
      return new View(
          s.id(),
          s.botName(),
          null,
          null,
          null,
          null,
          null,
          Map.of(),
          null,
          null,
          voice(s),
          speaks);
    }
    Map<String, LanguageTexts> texts = new TreeMap<>();
    a.texts()
        .forEach(
            (lang, t) -> {
              if (t.title() != null || t.launcherText() != null) {
                texts.put(lang, new LanguageTexts(t.title(), t.launcherText()));
              }
            });
    return new View(
        s.id(),
        s.botName(),
        a.accent(),
        a.position(),
        a.title(),
        a.launcherText(),
        a.avatarUrl(),
        texts,
        a.lang(),
        a.prechatOn()
            ? a.prechat().fields().stream()
                .map(
                    f ->
                        new PrechatField(
                            f.key(),
                            f.kind().wire(),
                            f.label(),
                            f.required(),
                            f.kind().maxLength()))
                .toList()
            : null,
        voice(s),
        speaks);
  }

  /** The widget's view of {@code s}'s voice notes: null when no audio type is allowed. */
  static Voice voice(Site s) {
    boolean audio = s.files().allowedTypes().stream().anyMatch(t -> t.startsWith("audio/"));
    return audio ? new Voice(s.voice().maxSeconds()) : null;
  }

  private static String hash(byte[] body) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(body);
      return HexFormat.of().formatHex(h, 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  private static Response error(int status, String code, String message) {
    Map<String, String> body = new LinkedHashMap<>();
    body.put("error", code);
    body.put("message", message);
    return Response.json(status, Json.write(body));
  }

  private static <T> CompletableFuture<T> done(T t) {
    return CompletableFuture.completedFuture(t);
  }
}
