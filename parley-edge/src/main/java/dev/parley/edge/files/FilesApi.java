package dev.parley.edge.files;

import dev.parley.chat.ChatConversation;
import dev.parley.chat.ConversationFiles;
import dev.parley.chat.FileLinker;
import dev.parley.chat.StoredFile;
import dev.parley.chat.WidgetOrigins;
import dev.parley.core.Authenticator;
import dev.parley.core.Principal;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.ProtocolException;
import dev.parley.protocol.http.HttpApi;
import dev.parley.protocol.http.Json;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Conversations' files over HTTP ({@code docs/PROTOCOL.md#files}):
 *
 * <ul>
 *   <li>{@code POST /api/conversations/{id}/files?name=…} — the body is the file; {@code
 *       Authorization: Bearer <token>} (the token of the caller's session: a visitor's, an agent's,
 *       a JWT) and an {@code Idempotency-Key} header (or {@code key} parameter) are required; only
 *       a participant of the conversation may upload, or a visitor to the conversation it is about
 *       to open, which the upload creates ({@link ConversationFiles#uploadTarget}). {@code 201}
 *       with the file and signed links; {@code 200} with the same for a retry of the same key and
 *       bytes.
 *   <li>{@code GET /api/files/{id}} — the file's record and fresh signed links, for a participant.
 *   <li>{@code GET /api/files/{id}/content} and {@code …/thumbnail} with {@code exp} and {@code
 *       sig} ({@link FileLinks}) — the bytes, with ranges ({@link FileDownload}).
 * </ul>
 *
 * <p>A token is taken from the {@code Authorization} header only, never from a cookie, so another
 * site cannot make a browser upload. Thread-safe; never blocks: the work is {@link FileUploads}'s
 * and the stores' asynchronous operations.
 */
public final class FilesApi implements HttpApi {
  private static final Logger log = LoggerFactory.getLogger(FilesApi.class);
  private static final Pattern UPLOAD =
      Pattern.compile("/api/conversations/([A-Za-z0-9_.:-]{1,64})/files");
  private static final Pattern FILE =
      Pattern.compile("/api/files/([A-Za-z0-9_-]{1,64})(?:/(content|thumbnail))?");
  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");

  /**
   * A file as the API shows it; a message's attachment names it by {@code id}. An audio file's
   * {@code duration} (seconds, when known), {@code transcript} and {@code transcriptError} are null
   * for anything else.
   */
  public record FileView(
      String id,
      String conversation,
      String uploader,
      String name,
      String type,
      long size,
      String sha256,
      Integer width,
      Integer height,
      boolean thumbnail,
      long createdAt,
      Double duration,
      String transcript,
      String transcriptError) {
    static FileView of(StoredFile f) {
      return new FileView(
          f.id(),
          f.conversation(),
          f.uploader(),
          f.name(),
          f.type(),
          f.size(),
          f.sha256(),
          f.width(),
          f.height(),
          f.thumbnailId() != null,
          f.createdAtMillis(),
          f.duration(),
          f.transcript(),
          f.transcriptError());
    }
  }

  /** A file with links that work until {@code expiresAt} (ms since the epoch). */
  public record FileAnswer(FileView file, String url, String thumbnailUrl, long expiresAt) {}

  /** An error body. */
  public record ErrorBody(String error, String message) {}

  private final HttpApi next;
  private final Authenticator auth;
  private final ConversationFiles files;
  private final FileUploads uploads;
  private final FileLinks links;

  /**
   * @param next what handles every other path
   * @param secret the server's secret, from which the links' key is derived
   * @param clock judges the links' expiry
   */
  public FilesApi(
      HttpApi next,
      Authenticator auth,
      ConversationFiles files,
      FileUploads uploads,
      byte[] secret,
      Clock clock) {
    this.next = next;
    this.auth = auth;
    this.files = files;
    this.uploads = uploads;
    this.links = new FileLinks(secret, clock);
  }

  @Override
  public CompletableFuture<Response> handle(Request r) {
    if (!r.path().startsWith("/api/files/") && !UPLOAD.matcher(r.path()).matches()) {
      return next.handle(r);
    }
    String origin = corsOrigin(r);
    if (r.method().equals("OPTIONS")) {
      return done(
          origin == null
              ? error(403, "forbidden", "this origin may not call the files API")
              : FilesCors.preflight(origin, UPLOAD.matcher(r.path()).matches()));
    }
    return route(r)
        .exceptionally(
            e -> {
              log.warn("{} {} failed", r.method(), r.path(), e);
              return error(503, "unavailable", "the file store is unavailable; try again");
            })
        .thenApply(res -> FilesCors.allow(res, origin));
  }

  /**
   * The {@code Origin} of a browser's cross-origin request when a site lists it, else null (no
   * origin, the server's own, or one no site lists: no CORS headers).
   */
  private String corsOrigin(Request r) {
    String origin = r.header("origin");
    return origin == null
            || WidgetOrigins.sameOrigin(origin, r.header("host"))
            || !files.anySiteAllows(origin)
        ? null
        : origin;
  }

  private CompletableFuture<Response> route(Request r) {
    Matcher up = UPLOAD.matcher(r.path());
    if (up.matches()) {
      return r.method().equals("POST") ? upload(r, up.group(1)) : done(notAllowed(r));
    }
    Matcher f = FILE.matcher(r.path());
    if (!f.matches()) {
      return next.handle(r);
    }
    if (!r.method().equals("GET") && !r.method().equals("HEAD")) {
      return done(notAllowed(r));
    }
    return f.group(2) == null ? describe(r, f.group(1)) : download(r, f.group(1), f.group(2));
  }

  /** Whether {@code path} is a conversation's upload path. */
  public static boolean isUpload(String path) {
    return UPLOAD.matcher(path).matches();
  }

  /**
   * Before an upload's body is received ({@link dev.parley.protocol.http.UploadGate}): empty when
   * {@code head} (an upload's head, without its body) may send it — a valid idempotency key, and
   * the bearer of a participant of the conversation — else the same refusal the upload would get.
   */
  public CompletableFuture<Optional<Response>> refusal(Request head) {
    Matcher up = UPLOAD.matcher(head.path());
    if (!up.matches()) {
      return done(Optional.of(error(404, "not_found", "not an upload path")));
    }
    String origin = corsOrigin(head);
    return uploader(head, up.group(1))
        .thenApply(
            u ->
                u.refusal == null
                    ? Optional.empty()
                    : Optional.of(FilesCors.allow(u.refusal, origin)));
  }

  /** Who uploads: a participant's conversation and principal, or the refusal. */
  private record Uploader(
      ChatConversation conversation, Principal who, String key, Response refusal) {
    static Uploader refused(Response r) {
      return new Uploader(null, null, null, r);
    }
  }

  private CompletableFuture<Uploader> uploader(Request r, String conversation) {
    String key = r.header("idempotency-key") != null ? r.header("idempotency-key") : r.param("key");
    if (key == null || !KEY.matcher(key).matches()) {
      return done(
          Uploader.refused(
              error(
                  400,
                  "invalid_key",
                  "send an Idempotency-Key header (or key parameter): 1-128 characters of A-Z a-z 0-9 _ . : -")));
    }
    return principal(r)
        .thenCompose(
            p ->
                p.isEmpty()
                    ? done(Uploader.refused(unauthorized()))
                    : files
                        .uploadTarget(
                            p.get(),
                            conversation,
                            r.param("site"),
                            r.param("lang"),
                            r.remoteAddress(),
                            r.header("origin"),
                            r.header("host"))
                        .handle(
                            (c, err) -> {
                              if (err != null) {
                                return Uploader.refused(notOpened(err));
                              }
                              return c.isEmpty()
                                  ? Uploader.refused(notParticipant())
                                  : new Uploader(c.get(), p.get(), key, null);
                            }));
  }

  /**
   * The refusal of an upload whose conversation, a visitor's next, could not be created now: {@code
   * rate_limited} (429, with {@code Retry-After}) as its first message would get, else forbidden.
   */
  private static Response notOpened(Throwable err) {
    Throwable e =
        err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
    if (e instanceof ProtocolException pe && pe.code() == ErrorCode.RATE_LIMITED) {
      long seconds = pe.retryAfterMs() == null ? 1 : Math.max(1, (pe.retryAfterMs() + 999) / 1000);
      return new Response(
          429,
          "application/json",
          Json.write(new ErrorBody("rate_limited", pe.getMessage())),
          Map.of("Retry-After", String.valueOf(seconds)));
    }
    if (e instanceof ProtocolException) {
      return notParticipant();
    }
    throw e instanceof RuntimeException re ? re : new CompletionException(e);
  }

  private CompletableFuture<Response> upload(Request r, String conversation) {
    return uploader(r, conversation)
        .thenCompose(
            u ->
                u.refusal != null
                    ? done(u.refusal)
                    : uploads
                        .upload(u.conversation, u.who.user(), u.key, r.param("name"), r.body())
                        .thenApply(this::outcome));
  }

  private Response outcome(FileUploads.Outcome o) {
    return switch (o) {
      case FileUploads.Stored s ->
          Response.json(s.created() ? 201 : 200, Json.write(answer(s.file())));
      case FileUploads.Refused x -> error(x.status(), x.code(), x.message());
    };
  }

  private CompletableFuture<Response> describe(Request r, String id) {
    return principal(r)
        .thenCompose(
            p -> {
              if (p.isEmpty()) {
                return done(unauthorized());
              }
              return files
                  .find(id)
                  .thenCompose(
                      f -> {
                        if (f.isEmpty()) {
                          return done(notParticipant());
                        }
                        return files
                            .participation(p.get(), f.get().conversation())
                            .thenApply(
                                c ->
                                    c.isEmpty()
                                        ? notParticipant()
                                        : Response.json(200, Json.write(answer(f.get()))));
                      });
            });
  }

  private FileAnswer answer(StoredFile f) {
    FileLinker.Link content = links.link(f.id(), "content");
    String thumb = f.thumbnailId() == null ? null : links.link(f.id(), "thumbnail").url();
    return new FileAnswer(FileView.of(f), content.url(), thumb, content.expiresAtMillis());
  }

  private CompletableFuture<Response> download(Request r, String id, String part) {
    switch (links.check(id, part, r.param("exp"), r.param("sig"))) {
      case EXPIRED -> {
        return done(error(403, "link_expired", "this link has expired: ask for a fresh one"));
      }
      case INVALID -> {
        return done(error(403, "link_invalid", "this link is not valid (exp and sig)"));
      }
      case VALID -> {}
    }
    return files
        .find(id)
        .thenCompose(
            o -> {
              if (o.isEmpty() || (part.equals("thumbnail") && o.get().thumbnailId() == null)) {
                return done(error(404, "not_found", "no such file"));
              }
              StoredFile f = o.get();
              return part.equals("content") ? content(r, f) : thumbnail(r, f);
            });
  }

  private CompletableFuture<Response> content(Request r, StoredFile f) {
    FileDownload.Asked asked = FileDownload.asked(r.header("range"), f.size());
    if (asked instanceof FileDownload.Unsatisfiable) {
      return done(FileDownload.unsatisfiable(f.size()));
    }
    FileDownload.Range range = asked instanceof FileDownload.Part p ? p.range() : null;
    long from = range == null ? 0 : range.first();
    int length = (int) (range == null ? f.size() : range.length());
    return files
        .read(f.id(), from, length)
        .thenApply(
            b ->
                b.isEmpty()
                    ? error(404, "not_found", "the file's bytes are gone")
                    : FileDownload.answer(f.type(), f.name(), f.size(), range, b.get()));
  }

  private CompletableFuture<Response> thumbnail(Request r, StoredFile f) {
    return files
        .read(f.thumbnailId(), 0, Integer.MAX_VALUE)
        .thenApply(
            b -> {
              if (b.isEmpty()) {
                return error(404, "not_found", "the thumbnail's bytes are gone");
              }
              byte[] all = b.get();
              String name = "thumbnail-" + f.name();
              return switch (FileDownload.asked(r.header("range"), all.length)) {
                case FileDownload.Unsatisfiable u -> FileDownload.unsatisfiable(all.length);
                case FileDownload.Whole w ->
                    FileDownload.answer(f.thumbnailType(), name, all.length, null, all);
                case FileDownload.Part p ->
                    FileDownload.answer(
                        f.thumbnailType(),
                        name,
                        all.length,
                        p.range(),
                        Arrays.copyOfRange(
                            all, (int) p.range().first(), (int) p.range().last() + 1));
              };
            });
  }

  /** The principal of the request's bearer token; empty without a valid one. */
  private CompletableFuture<Optional<Principal>> principal(Request r) {
    String h = r.header("authorization");
    if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7) || h.substring(7).isBlank()) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    return auth.authenticateToken(h.substring(7).trim())
        .handle((p, err) -> err != null ? Optional.<Principal>empty() : Optional.of(p));
  }

  private static Response unauthorized() {
    return new Response(
        401,
        "application/json",
        Json.write(new ErrorBody("unauthorized", "send Authorization: Bearer <token>")),
        Map.of("WWW-Authenticate", "Bearer"));
  }

  private static Response notParticipant() {
    return error(403, "forbidden", "only the participants of the file's conversation may do this");
  }

  private static Response notAllowed(Request r) {
    return error(405, "method_not_allowed", r.method() + " " + r.path());
  }

  static Response error(int status, String code, String message) {
    return Response.json(status, Json.write(new ErrorBody(code, message)));
  }

  private static <T> CompletableFuture<T> done(T t) {
    return CompletableFuture.completedFuture(t);
  }
}
