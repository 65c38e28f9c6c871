package dev.parley.edge.serverapi;

import dev.parley.chat.ConfigStore;
import dev.parley.chat.Directory;
import dev.parley.chat.Namespace;
import dev.parley.core.ChannelPresence;
import dev.parley.core.Node;
import dev.parley.core.StoredMessage;
import dev.parley.core.StreamWindow;
import dev.parley.protocol.Command;
import dev.parley.protocol.Fields;
import dev.parley.protocol.Push;
import dev.parley.protocol.http.HttpApi;
import dev.parley.protocol.http.Json;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server API under {@code /api/v1/} ({@code docs/PROTOCOL.md#server-api}): the application's
 * backend, holding an API key ({@code Authorization: Bearer pk_…}, {@link ApiKeys}), publishes into
 * channels ({@code POST /publish}, {@code POST /broadcast} to up to {@value #MAX_BROADCAST}), reads
 * a channel's presence and history, and disconnects a user on every node ({@link UserDisconnects}).
 * A key publishes into the namespaces it names, whatever their {@code publish} audience; reading
 * presence and history needs the same scope; disconnecting a user needs {@code *}. Every refusal is
 * a {@link ServerApiError} with a documented code, and nothing is published.
 *
 * <p>Thread-safe; never blocks: publishing is the core's asynchronous append, reads run on the
 * store's read threads.
 */
public final class ServerApi implements HttpApi {
  /** The most channels of one broadcast. */
  static final int MAX_BROADCAST = 1000;

  /** The users a presence answer lists at most (and by default). */
  static final int MAX_PRESENCE_USERS = 1000;

  static final int DEFAULT_PRESENCE_USERS = 100;

  private static final String PREFIX = "/api/v1/";
  private static final Pattern CHANNEL =
      Pattern.compile("/api/v1/channels/([^/]{1,200})/(presence|history)");
  private static final Pattern USER = Pattern.compile("/api/v1/users/([^/]{1,400})/disconnect");
  private static final Logger log = LoggerFactory.getLogger(ServerApi.class);

  /** The body of {@code POST /api/v1/publish}. */
  record PublishBody(String channel, String data, String idempotencyKey) {}

  /** The body of {@code POST /api/v1/broadcast}. */
  record BroadcastBody(List<String> channels, String data, String idempotencyKey) {}

  private final HttpApi next;
  private final ApiKeys keys;
  private final Node node;
  private final Directory directory;
  private final UserDisconnects disconnects;
  private final Publisher publisher;
  private final ChannelPresence presence;

  /**
   * @param next what handles every other path
   */
  public ServerApi(
      HttpApi next, ApiKeys keys, Node node, Directory directory, UserDisconnects disconnects) {
    this.next = next;
    this.keys = keys;
    this.node = node;
    this.directory = directory;
    this.disconnects = disconnects;
    this.publisher = new Publisher(node);
    this.presence = new ChannelPresence(node);
  }

  /**
   * The server API of {@code node} in front of {@code next}, its keys read from {@code store} as
   * {@code directory}'s configuration version moves, following disconnect requests from now on (a
   * broker subscription that ends with the broker). Blocks until subscribed: call at start-up.
   */
  public static ServerApi start(HttpApi next, ConfigStore store, Directory directory, Node node) {
    UserDisconnects disconnects = new UserDisconnects(node);
    disconnects.start().join();
    return new ServerApi(next, new ApiKeys(store, directory), node, directory, disconnects);
  }

  @Override
  public CompletableFuture<Response> handle(Request r) {
    if (!r.path().startsWith(PREFIX)) {
      return next.handle(r);
    }
    return keys.verify(r.header("authorization"))
        .thenCompose(
            k -> {
              if (k.isEmpty()) {
                throw ServerApiError.unauthorized();
              }
              return route(r, k.get());
            })
        .exceptionally(ServerApi::failure);
  }

  private CompletableFuture<Response> route(Request r, ApiKeyDoc key) {
    String path = r.path();
    String m = r.method();
    if (path.equals(PREFIX + "publish")) {
      return m.equals("POST") ? publish(r, key) : notAllowed(r);
    }
    if (path.equals(PREFIX + "broadcast")) {
      return m.equals("POST") ? broadcast(r, key) : notAllowed(r);
    }
    Matcher channel = CHANNEL.matcher(path);
    if (channel.matches()) {
      if (!m.equals("GET")) {
        return notAllowed(r);
      }
      String ch = decode(channel.group(1));
      scoped(ch, key);
      return channel.group(2).equals("presence") ? presence(r, ch) : history(r, ch);
    }
    Matcher user = USER.matcher(path);
    if (user.matches()) {
      if (!m.equals("POST")) {
        return notAllowed(r);
      }
      if (!key.coversAll()) {
        throw new ServerApiError(
            403,
            "forbidden_namespace",
            "disconnecting a user needs a key for every namespace ([\"*\"])");
      }
      String u = decode(user.group(1));
      return disconnects.disconnect(u).thenApply(v -> json(200, Map.of("ok", true)));
    }
    return CompletableFuture.completedFuture(
        new ServerApiError(404, "not_found", "no such endpoint: " + path).response());
  }

  private CompletableFuture<Response> publish(Request r, ApiKeyDoc key) {
    PublishBody b = Json.readStrict(r.body(), PublishBody.class);
    if (b == null) {
      throw ServerApiError.invalidField("body", "must be a JSON object");
    }
    if (b.channel() == null) {
      throw ServerApiError.invalidField("channel", "missing field \"channel\"");
    }
    checkData(b.data(), b.idempotencyKey());
    scoped(b.channel(), key);
    deduplicable(b.channel(), b.idempotencyKey());
    return publisher
        .publish(b.channel(), b.data(), b.idempotencyKey())
        .thenApply(msg -> json(200, published(msg)));
  }

  private CompletableFuture<Response> broadcast(Request r, ApiKeyDoc key) {
    BroadcastBody b = Json.readStrict(r.body(), BroadcastBody.class);
    if (b == null) {
      throw ServerApiError.invalidField("body", "must be a JSON object");
    }
    List<String> channels = b.channels();
    if (channels == null || channels.isEmpty() || channels.size() > MAX_BROADCAST) {
      throw ServerApiError.invalidField("channels", "must list 1-" + MAX_BROADCAST + " channels");
    }
    if (new HashSet<>(channels).size() != channels.size()) {
      throw ServerApiError.invalidField("channels", "must not name a channel twice");
    }
    checkData(b.data(), b.idempotencyKey());
    List<CompletableFuture<Map<String, Object>>> each = new ArrayList<>(channels.size());
    for (String ch : channels) {
      CompletableFuture<Map<String, Object>> one;
      try {
        scoped(ch, key);
        deduplicable(ch, b.idempotencyKey());
        one =
            publisher
                .publish(ch, b.data(), b.idempotencyKey())
                .thenApply(ServerApi::published)
                .exceptionally(e -> refused(ch, e));
      } catch (RuntimeException e) {
        one = CompletableFuture.completedFuture(refused(ch, e));
      }
      each.add(one);
    }
    return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
        .thenApply(
            v -> json(200, Map.of("results", each.stream().map(CompletableFuture::join).toList())));
  }

  private CompletableFuture<Response> presence(Request r, String channel) {
    int limit = (int) intParam(r, "limit", DEFAULT_PRESENCE_USERS, 1, MAX_PRESENCE_USERS);
    return presence
        .of(channel, limit)
        .handle(
            (p, err) -> {
              if (err != null) {
                throw ServerApiError.storeUnavailable();
              }
              Map<String, Object> out = new LinkedHashMap<>();
              out.put("channel", channel);
              out.put("count", p.count());
              out.put("users", p.users());
              return json(200, out);
            });
  }

  private CompletableFuture<Response> history(Request r, String channel) {
    long since = intParam(r, "since", 0, 0, Long.MAX_VALUE);
    int limit =
        (int) intParam(r, "limit", Command.DEFAULT_HISTORY_LIMIT, 1, Command.MAX_HISTORY_LIMIT);
    StreamWindow.Limits window = node.windowed().limitsOf(channel);
    if (window != null) { // ephemeral: its window is all there is
      return node.windowed()
          .after(channel, window, since, limit)
          .handle(
              (slice, err) -> {
                if (err != null) {
                  throw ServerApiError.storeUnavailable();
                }
                List<Map<String, Object>> messages = new ArrayList<>();
                for (Push.Message m : slice.messages()) {
                  messages.add(view(m.seq(), m.id(), m.from(), m.kind(), m.text(), m.ts()));
                }
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("channel", channel);
                out.put("epoch", slice.epoch());
                out.put("messages", messages);
                out.put("more", slice.more());
                return json(200, out);
              });
    }
    return CompletableFuture.supplyAsync(
            () -> node.store().readAfter(channel, since, limit + 1), node.store().readExecutor())
        .handle(
            (page, err) -> {
              if (err != null) {
                throw ServerApiError.storeUnavailable();
              }
              List<Map<String, Object>> messages = new ArrayList<>();
              for (StoredMessage m : page.subList(0, Math.min(limit, page.size()))) {
                messages.add(
                    view(m.seq(), m.id(), m.sender(), m.kind(), m.text(), m.createdAtMillis()));
              }
              Map<String, Object> out = new LinkedHashMap<>();
              out.put("channel", channel);
              out.put("messages", messages);
              out.put("more", page.size() > limit);
              return json(200, out);
            });
  }

  /** A message as the history answers it. */
  private static Map<String, Object> view(
      long seq, String id, String from, String kind, String text, long ts) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("seq", seq);
    v.put("id", id);
    v.put("from", from);
    v.put("kind", kind);
    v.put("text", text);
    v.put("ts", ts);
    return v;
  }

  /**
   * Checks that {@code key} may use {@code channel}: a channel id of a namespace ({@code
   * invalid_channel}), one the key covers ({@code forbidden_namespace}, before saying whether it
   * exists), which exists here ({@code unknown_namespace}).
   */
  private void scoped(String channel, ApiKeyDoc key) {
    String name =
        channel != null && Fields.CONVERSATION_ID.matcher(channel).matches()
            ? Namespace.nameOf(channel)
            : null;
    if (name == null) {
      throw ServerApiError.invalidChannel(channel);
    }
    if (!key.covers(name)) {
      throw ServerApiError.forbiddenNamespace(name);
    }
    if (directory.namespace(name) == null) {
      throw ServerApiError.unknownNamespace(name);
    }
  }

  /**
   * Refuses an idempotency key for a channel of an ephemeral namespace: its window keeps no record
   * of keys (only the store deduplicates), so a retry would be delivered twice; say so rather than
   * promise what cannot be kept.
   */
  private void deduplicable(String channel, String idempotencyKey) {
    Namespace ns = directory.namespace(Namespace.nameOf(channel));
    if (idempotencyKey != null && ns != null && ns.ephemeral()) {
      throw ServerApiError.invalidField(
          "idempotencyKey",
          "an ephemeral channel keeps no record of keys: publish without one (a retry may then be"
              + " delivered twice)");
    }
  }

  /** Checks a publication's data and idempotency key, and that the node takes publications. */
  private void checkData(String data, String idempotencyKey) {
    if (data == null || data.isEmpty()) {
      throw ServerApiError.invalidField("data", "must be a string that is not empty");
    }
    int max = node.config().maxTextChars();
    if (data.length() > max && data.codePointCount(0, data.length()) > max) {
      throw new ServerApiError(
          413,
          "message_too_large",
          "data",
          "data is longer than " + max + " characters (Unicode code points)");
    }
    if (idempotencyKey != null
        && (idempotencyKey.isEmpty() || idempotencyKey.length() > Command.MAX_ID_CHARS)) {
      throw ServerApiError.invalidField(
          "idempotencyKey", "must be 1-" + Command.MAX_ID_CHARS + " characters");
    }
    if (node.isDraining()) {
      throw new ServerApiError(
          503, "shutting_down", "this node is shutting down; send the same request again");
    }
  }

  private static Map<String, Object> published(StoredMessage m) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("channel", m.conversation());
    out.put("seq", m.seq());
    out.put("id", m.id());
    return out;
  }

  private static Map<String, Object> refused(String channel, Throwable t) {
    ServerApiError e = asError(t);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("channel", channel);
    out.putAll(e.body());
    return out;
  }

  /** Query parameter {@code name}: a number from {@code min} to {@code max}, else {@code dflt}. */
  private static long intParam(Request r, String name, long dflt, long min, long max) {
    String v = r.param(name);
    if (v == null) {
      return dflt;
    }
    try {
      long n = Long.parseLong(v);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException bad) {
      // answered below
    }
    throw ServerApiError.invalidField(name, name + " must be a number from " + min + " to " + max);
  }

  private static String decode(String segment) {
    try {
      return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException bad) {
      throw ServerApiError.invalidField("path", "is not a valid URL path");
    }
  }

  private static CompletableFuture<Response> notAllowed(Request r) {
    return CompletableFuture.completedFuture(
        new ServerApiError(405, "method_not_allowed", r.method() + " " + r.path()).response());
  }

  private static Response json(int status, Object body) {
    return Response.json(status, Json.write(body));
  }

  private static Response failure(Throwable t) {
    return asError(t).response();
  }

  /** What {@code t} is as the API's error: a store or broker failure is {@code 503}. */
  private static ServerApiError asError(Throwable t) {
    Throwable e = t;
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return switch (e) {
      case ServerApiError s -> s;
      case Json.FieldError bad -> ServerApiError.invalidField(bad.field(), bad.getMessage());
      case IllegalArgumentException bad ->
          new ServerApiError(400, "invalid_field", bad.getMessage());
      default -> {
        log.warn("server API request failed: {}", e.toString());
        yield ServerApiError.storeUnavailable();
      }
    };
  }
}
