package dev.parley.edge.admin;

import dev.parley.chat.ChatIdentity;
import dev.parley.core.Principal;
import dev.parley.edge.ChatAuthenticator;
import dev.parley.protocol.http.HttpApi.Request;
import dev.parley.protocol.http.HttpApi.Response;
import dev.parley.protocol.http.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The door of the admin API: a request goes on only with an admin's bearer token (an agent token of
 * an admin, or an admin's JWT), else it is answered {@code 401 unauthorized} (no or a bad token) or
 * {@code 403 forbidden} (a token of someone who is not an admin). Errors have the admin API's
 * shape: {@code {"error", "field"?, "message"}}.
 *
 * <p>Thread-safe; never blocks the caller.
 */
public final class AdminGate {
  private final ChatAuthenticator auth;

  public AdminGate(ChatAuthenticator auth) {
    this.auth = auth;
  }

  /** Runs {@code then} with the admin who sent {@code r}, or answers 401 / 403. */
  public CompletableFuture<Response> admit(
      Request r, Function<Principal, CompletableFuture<Response>> then) {
    return auth.staffOfBearer(r.header("authorization"))
        .thenCompose(
            p -> {
              Response refused = refusal(p);
              return refused != null ? done(refused) : then.apply(p.get());
            });
  }

  /**
   * Empty when {@code r} comes from an admin, else its 401 / 403: for a request whose body is not
   * received yet ({@link dev.parley.protocol.http.UploadGate}).
   */
  public CompletableFuture<Optional<Response>> refusal(Request r) {
    return auth.staffOfBearer(r.header("authorization"))
        .thenApply(p -> Optional.ofNullable(refusal(p)));
  }

  private static Response refusal(Optional<Principal> p) {
    if (p.isEmpty()) {
      return error(401, "unauthorized", null, "send Authorization: Bearer <admin token>");
    }
    if (ChatIdentity.role(p.get()) != ChatIdentity.Role.ADMIN) {
      return error(403, "forbidden", null, "the admin API is for admins only");
    }
    return null;
  }

  /** An error in the admin API's shape; {@code field} may be null. */
  public static Response error(int status, String code, String field, String message) {
    Map<String, String> body = new LinkedHashMap<>();
    body.put("error", code);
    if (field != null) {
      body.put("field", field);
    }
    body.put("message", message);
    return Response.json(status, Json.write(body));
  }

  /** {@code t}, already complete. */
  public static <T> CompletableFuture<T> done(T t) {
    return CompletableFuture.completedFuture(t);
  }
}
