package dev.parley.edge.files;

import dev.parley.chat.ConversationFiles;
import dev.parley.chat.SpokenAnswers;
import dev.parley.chat.WidgetOrigins;
import dev.parley.core.Authenticator;
import dev.parley.core.KeyedBuckets;
import dev.parley.core.NodeClock;
import dev.parley.core.Principal;
import dev.parley.protocol.http.HttpApi;
import dev.parley.protocol.http.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/conversations/{id}/messages/{seq}/speech}: a bot answer read aloud by the server
 * ({@code docs/PROTOCOL.md#spoken-answers}), for a participant of the conversation — the same
 * bearer token and participant check as the files API ({@link ConversationFiles#participation}),
 * the same CORS for the pages a site lists. An optional {@code lang} parameter (a language tag)
 * says the reader's language. The audio is {@link SpokenAnswers}'s (cached there).
 *
 * <p>Answers: {@code 200} with the audio ({@code audio/mpeg} or {@code audio/ogg}, {@code
 * Cache-Control: private}); {@code 401 unauthorized}; {@code 403 forbidden} (not a participant);
 * {@code 404 not_found} (no such message, or not the bot's); {@code 409 speech_off} (the site does
 * not read answers aloud on the server); {@code 422 nothing_to_say} (no words in the message);
 * {@code 429 rate_limited} with {@code Retry-After} (more than {@value #BURST} asks at once or one
 * every {@value #SECONDS_PER_ASK} s after that, per user and node: a synthesis is paid for, and the
 * cache alone does not bound what cycling through many answers costs); {@code 502 speech_failed}
 * with the speaker's {@code reason}; {@code 503 unavailable} (the store).
 *
 * <p>Thread-safe; never blocks (the store's read and the speaker run on their own threads).
 */
public final class SpeechApi implements HttpApi {
  private static final Logger log = LoggerFactory.getLogger(SpeechApi.class);
  private static final Pattern PATH =
      Pattern.compile("/api/conversations/([A-Za-z0-9_.:-]{1,64})/messages/([0-9]{1,18})/speech");
  private static final Pattern LANG = Pattern.compile("[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}");

  /** Asks a user may make at once (a page reading a transcript's answers one after another). */
  static final int BURST = 30;

  /** Seconds per ask after the burst, per user and node. */
  static final int SECONDS_PER_ASK = 2;

  /** How long a browser may keep an answer's audio (it never changes; the token guards it). */
  static final int MAX_AGE_SECONDS = 3600;

  /** A refusal; {@code reason} is the speaker's code for {@code speech_failed}, else absent. */
  public record ErrorBody(String error, String message, String reason) {}

  private final HttpApi next;
  private final Authenticator auth;
  private final ConversationFiles files;
  private final SpokenAnswers answers;
  private final KeyedBuckets rate;

  /**
   * @param next what handles every other path
   * @param files who takes part in a conversation
   * @param clock the node's, for the rate limit
   */
  public SpeechApi(
      HttpApi next,
      Authenticator auth,
      ConversationFiles files,
      SpokenAnswers answers,
      NodeClock clock) {
    this.next = next;
    this.auth = auth;
    this.files = files;
    this.answers = answers;
    this.rate = new KeyedBuckets(clock, 1.0 / SECONDS_PER_ASK, BURST, 10_000);
  }

  @Override
  public CompletableFuture<Response> handle(Request r) {
    Matcher m = PATH.matcher(r.path());
    if (!m.matches()) {
      return next.handle(r);
    }
    String origin = r.header("origin");
    if (origin != null
        && (WidgetOrigins.sameOrigin(origin, r.header("host")) || !files.anySiteAllows(origin))) {
      origin = null;
    }
    if (r.method().equals("OPTIONS")) {
      return done(
          origin == null
              ? error(403, "forbidden", "this origin may not call the speech API", null)
              : FilesCors.preflight(origin, false));
    }
    if (!r.method().equals("GET") && !r.method().equals("HEAD")) {
      return done(error(405, "method_not_allowed", r.method() + " " + r.path(), null));
    }
    String conversation = m.group(1);
    long seq = Long.parseLong(m.group(2));
    String lang =
        r.param("lang") != null && LANG.matcher(r.param("lang")).matches() ? r.param("lang") : null;
    String allowed = origin;
    return principal(r)
        .thenCompose(
            p ->
                p.isEmpty()
                    ? done(unauthorized())
                    : !rate.take(p.get().user())
                        ? done(limited(p.get().user()))
                        : files
                            .participation(p.get(), conversation)
                            .thenCompose(
                                c ->
                                    c.isEmpty()
                                        ? done(
                                            error(
                                                403,
                                                "forbidden",
                                                "only the participants of the conversation may do this",
                                                null))
                                        : answers
                                            .speech(c.get(), seq, lang)
                                            .thenApply(o -> answer(o, seq))))
        .exceptionally(
            e -> {
              log.warn("{} {} failed", r.method(), r.path(), e);
              return error(503, "unavailable", "the message store is unavailable; try again", null);
            })
        .thenApply(res -> FilesCors.allow(res, allowed));
  }

  private static Response answer(SpokenAnswers.Outcome o, long seq) {
    return switch (o) {
      case SpokenAnswers.Spoken s -> {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Cache-Control", "private, max-age=" + MAX_AGE_SECONDS);
        h.put("X-Content-Type-Options", "nosniff");
        String ext = s.audio().type().equals("audio/ogg") ? ".ogg" : ".mp3";
        h.put("Content-Disposition", "inline; filename=\"answer-" + seq + ext + "\"");
        yield new Response(200, s.audio().type(), s.audio().bytes(), h);
      }
      case SpokenAnswers.Off off ->
          error(
              409,
              "speech_off",
              "this site does not read answers aloud on the server (voice.spokenAnswers is "
                  + off.mode().wire()
                  + ")",
              null);
      case SpokenAnswers.NotAnAnswer n ->
          error(404, "not_found", "not a bot answer: " + n.why(), null);
      case SpokenAnswers.Silent s ->
          error(422, "nothing_to_say", "the answer has no words to read aloud", null);
      case SpokenAnswers.Failed f ->
          error(502, "speech_failed", "the speech service failed: " + f.message(), f.code());
    };
  }

  /** The principal of the request's bearer token; empty without a valid one. */
  private CompletableFuture<Optional<Principal>> principal(Request r) {
    String h = r.header("authorization");
    if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7) || h.substring(7).isBlank()) {
      return done(Optional.empty());
    }
    return auth.authenticateToken(h.substring(7).trim())
        .handle((p, err) -> err != null ? Optional.<Principal>empty() : Optional.of(p));
  }

  private Response limited(String user) {
    long seconds = Math.max(1, (rate.millisUntilNext(user) + 999) / 1000);
    return new Response(
        429,
        "application/json",
        Json.write(
            new ErrorBody(
                "rate_limited",
                "too many answers read aloud; try again in " + seconds + " seconds",
                null)),
        Map.of("Retry-After", Long.toString(seconds)));
  }

  private static Response unauthorized() {
    return new Response(
        401,
        "application/json",
        Json.write(new ErrorBody("unauthorized", "send Authorization: Bearer <token>", null)),
        Map.of("WWW-Authenticate", "Bearer"));
  }

  private static Response error(int status, String code, String message, String reason) {
    return Response.json(status, Json.write(new ErrorBody(code, message, reason)));
  }

  private static <T> CompletableFuture<T> done(T t) {
    return CompletableFuture.completedFuture(t);
  }
}
