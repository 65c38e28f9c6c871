package dev.parley.edge;

import dev.parley.bots.WebhookSignature;
import dev.parley.chat.Agent;
import dev.parley.chat.AgentDesk;
import dev.parley.chat.ChatConversation;
import dev.parley.chat.ConversationStatus;
import dev.parley.chat.Directory;
import dev.parley.chat.Site;
import dev.parley.core.Principal;
import dev.parley.core.SharedState;
import dev.parley.core.StoredMessage;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.MessageMeta;
import dev.parley.protocol.ProtocolException;
import dev.parley.protocol.chat.ChatCommand;
import dev.parley.protocol.http.HttpApi;
import dev.parley.protocol.http.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JSON REST API for agents and external bots, under {@code /api/}; described by the OpenAPI
 * document it serves at {@code /api/openapi.json}.
 *
 * <p>Agents authenticate with {@code Authorization: Bearer <agent token>} (from a WebSocket login);
 * an external (webhook) bot posts its answers signed with {@code X-Parley-Signature} and {@code
 * X-Parley-Delivery} ({@link WebhookSignature}). Writes need one of those headers, never a cookie,
 * so another site cannot make a browser write here.
 *
 * <p>Thread-safe; never blocks: work is the chat layer's asynchronous operations.
 */
public final class ChatRestApi implements HttpApi {
  private static final Pattern CONVERSATION =
      Pattern.compile("/api/conversations/([A-Za-z0-9_.:-]{1,64})(/[a-z]+)?");
  private static final Pattern SITE = Pattern.compile("/api/sites/([A-Za-z0-9_.:-]{1,64})");

  /**
   * Body of {@code POST …/messages}. {@code sources} (what the answer cites, stored as its {@code
   * meta}) is for the webhook bot's signed answer only; an agent's message has none.
   */
  public record PostMessage(String cid, String text, List<MessageMeta.Source> sources) {}

  /** Body of {@code POST …/transfer}. */
  public record TransferTo(String to) {}

  /** Body of {@code PUT …/labels}. */
  public record Labels(List<String> labels) {}

  /** A conversation as the API shows it. */
  public record ConversationView(
      String id,
      String site,
      String visitor,
      String status,
      String agent,
      Double sentiment,
      List<String> labels) {}

  /** A message as the API shows it; {@code meta} absent when it carries none. */
  public record MessageView(
      long seq,
      String id,
      String from,
      String kind,
      String text,
      long ts,
      String status,
      MessageMeta meta) {}

  /** A page of messages. */
  public record MessagePage(List<MessageView> messages, boolean more) {}

  /** A site's settings. */
  public record SiteView(
      String id,
      String name,
      String greeting,
      String botName,
      double confidenceThreshold,
      List<String> allowedOrigins) {}

  /** An error body. */
  public record ErrorBody(String error, String message) {}

  private final AgentDesk chat;
  private final Directory directory;
  private final ChatAuthenticator auth;
  private final Function<Site, String> webhookSecrets;
  private final SharedState shared;
  private final Clock clock;
  private final byte[] openApi;

  /**
   * @param webhookSecrets a site's webhook bot's secret (its own, else the deployment's), or null
   *     when its bot is no webhook bot: a bot's answer must be signed with the secret of the site
   *     of the conversation it answers in
   * @param shared remembers the webhook's delivery ids, on every node, for as long as a signature
   *     is fresh
   * @param clock judges the freshness of webhook signatures
   */
  public ChatRestApi(
      AgentDesk chat,
      Directory directory,
      ChatAuthenticator auth,
      Function<Site, String> webhookSecrets,
      SharedState shared,
      Clock clock) {
    this.chat = chat;
    this.directory = directory;
    this.auth = auth;
    this.webhookSecrets = webhookSecrets;
    this.shared = shared;
    this.clock = clock;
    try (InputStream in = ChatRestApi.class.getResourceAsStream("openapi.json")) {
      this.openApi = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public CompletableFuture<Response> handle(Request r) {
    try {
      return route(r);
    } catch (IllegalArgumentException e) {
      return done(error(400, "bad_request", e.getMessage()));
    }
  }

  private CompletableFuture<Response> route(Request r) {
    String path = r.path();
    if (path.equals("/api/openapi.json") && r.method().equals("GET")) {
      return done(Response.json(200, openApi));
    }
    if (path.equals("/api/logout") && r.method().equals("POST")) {
      return auth.logout(r.header("authorization"))
          .thenApply(
              ok ->
                  ok
                      ? new Response(204, "application/json", new byte[0], Map.of())
                      : error(401, "unauthorized", "send Authorization: Bearer <agent token>"));
    }
    Matcher conv = CONVERSATION.matcher(path);
    // An external bot's answer: signed request, no agent.
    if (conv.matches()
        && "/messages".equals(conv.group(2))
        && r.method().equals("POST")
        && r.header("x-parley-signature") != null) {
      return fromWebhook(r, conv.group(1));
    }
    return auth.staffOfBearer(r.header("authorization"))
        .thenCompose(
            agent -> {
              if (agent.isEmpty()) {
                return done(
                    new Response(
                        401,
                        "application/json",
                        Json.write(
                            new ErrorBody(
                                "unauthorized", "send Authorization: Bearer <agent token>")),
                        Map.of("WWW-Authenticate", "Bearer")));
              }
              Agent a = chat.agentOf(agent.get());
              if (a == null) {
                return done(
                    error(403, "forbidden", "this admin has no agent account, so no sites"));
              }
              try {
                return routeAs(r, agent.get(), a, conv);
              } catch (IllegalArgumentException e) {
                return done(error(400, "bad_request", e.getMessage()));
              }
            });
  }

  /**
   * The webhook bot's answer: a valid signature of this request ({@link WebhookSignature}) with the
   * secret of the webhook bot of the conversation's site (none: 401, as for an unknown one), a
   * delivery id not seen in the signature's lifetime, and a body with no field but {@code cid},
   * {@code text} and the optional {@code sources} (each checked: docs/PROTOCOL.md#message-meta).
   */
  private CompletableFuture<Response> fromWebhook(Request r, String conversation) {
    return chat.find(conversation)
        .thenCompose(
            found -> {
              Site site = found.map(c -> directory.site(c.site())).orElse(null);
              String secret = site == null ? null : webhookSecrets.apply(site);
              if (secret == null) {
                return done(
                    error(401, "unauthorized", "no webhook bot answers in this conversation"));
              }
              try {
                return fromWebhook(r, conversation, secret);
              } catch (IllegalArgumentException e) {
                return done(error(400, "bad_request", e.getMessage()));
              }
            });
  }

  /** {@link #fromWebhook(Request, String)} once the conversation's site's secret is known. */
  private CompletableFuture<Response> fromWebhook(Request r, String conversation, String secret) {
    String delivery = r.header("x-parley-delivery");
    WebhookSignature.Verdict v =
        WebhookSignature.of(secret, WebhookSignature.Direction.TO_PARLEY)
            .check(
                r.header("x-parley-signature"),
                clock.millis() / 1000,
                r.method(),
                r.path(),
                delivery,
                r.body());
    if (v != WebhookSignature.Verdict.VALID) {
      return done(error(401, "unauthorized", v.reason()));
    }
    PostMessage m = Json.readStrict(r.body(), PostMessage.class);
    requireText(m);
    MessageMeta meta = m.sources() == null ? null : new MessageMeta(m.sources());
    // Remembered past the signature's lifetime on both sides of the clock.
    return shared
        .claim(
            "webhook-delivery:" + delivery,
            UUID.randomUUID().toString(),
            WebhookSignature.TOLERANCE.multipliedBy(2))
        .thenCompose(
            fresh ->
                fresh
                    ? chat.postAsBot(conversation, m.cid(), m.text(), meta)
                        .thenApply(ChatRestApi::stored)
                    : done(
                        error(
                            409,
                            "replayed",
                            "this X-Parley-Delivery id was used already; sign the retry with a new "
                                + "one (the same cid keeps it from storing twice)")));
  }

  private CompletableFuture<Response> routeAs(Request r, Principal p, Agent a, Matcher conv) {
    String path = r.path();
    if (path.equals("/api/queue") && r.method().equals("GET")) {
      return listFor(a, r.param("site"), ConversationStatus.QUEUED);
    }
    if (path.equals("/api/conversations") && r.method().equals("GET")) {
      String status = r.param("status") == null ? "assigned" : r.param("status");
      ConversationStatus st;
      try {
        st = ConversationStatus.ofWire(status);
      } catch (IllegalArgumentException e) {
        return done(
            error(400, "invalid_field", "status must be bot, queued, assigned or resolved"));
      }
      return listFor(a, r.param("site"), st);
    }
    Matcher site = SITE.matcher(path);
    if (site.matches() && r.method().equals("GET")) {
      Site s = directory.site(site.group(1));
      if (s == null || !a.sites().contains(s.id())) {
        return done(error(404, "not_found", "no such site of yours"));
      }
      return done(
          Response.json(
              200,
              Json.write(
                  new SiteView(
                      s.id(),
                      s.name(),
                      s.greeting(),
                      s.botName(),
                      s.confidenceThreshold(),
                      s.allowedOrigins()))));
    }
    if (conv.matches()) {
      String id = conv.group(1);
      String action = conv.group(2) == null ? "" : conv.group(2);
      switch (r.method() + " " + action) {
        case "GET " -> {
          return chat.find(id)
              .thenApply(
                  c ->
                      c.filter(x -> a.sites().contains(x.site()))
                          .map(x -> Response.json(200, Json.write(view(x))))
                          .orElse(error(404, "not_found", "no such conversation of yours")));
        }
        case "GET /messages" -> {
          return messages(a, id, r);
        }
        case "POST /messages" -> {
          PostMessage m = Json.read(r.body(), PostMessage.class);
          requireText(m);
          if (m.sources() != null) {
            return done(
                error(400, "invalid_field", "sources are set by the bots only, not by agents"));
          }
          return chat.postAsAgent(p, id, m.cid(), m.text()).thenApply(ChatRestApi::stored);
        }
        case "POST /accept" -> {
          return chat.accept(p, id).thenApply(ChatRestApi::outcome);
        }
        case "POST /transfer" -> {
          TransferTo t = Json.read(r.body(), TransferTo.class);
          if (t.to() == null) {
            return done(error(400, "invalid_field", "missing field \"to\""));
          }
          return chat.transfer(p, id, t.to()).thenApply(ChatRestApi::outcome);
        }
        case "PUT /labels" -> {
          List<String> labels;
          try {
            labels =
                ChatCommand.Label.checkLabels(Json.readStrict(r.body(), Labels.class).labels());
          } catch (ProtocolException e) {
            return done(error(400, "invalid_field", e.getMessage()));
          }
          return chat.label(p, id, labels).thenApply(ChatRestApi::outcome);
        }
        case "POST /resolve" -> {
          return chat.resolve(p, id).thenApply(ChatRestApi::outcome);
        }
        default -> {
          return done(error(404, "not_found", r.method() + " " + path));
        }
      }
    }
    return done(error(404, "not_found", r.method() + " " + path));
  }

  private CompletableFuture<Response> listFor(
      Agent a, String siteParam, ConversationStatus status) {
    List<String> sites =
        siteParam == null ? a.sites().stream().sorted().toList() : List.of(siteParam);
    if (!a.sites().containsAll(sites)) {
      return done(error(403, "forbidden", "not a site of yours"));
    }
    List<CompletableFuture<List<ChatConversation>>> parts =
        sites.stream().map(s -> chat.list(s, status)).toList();
    return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
        .thenApply(
            v -> {
              List<ConversationView> out = new ArrayList<>();
              parts.forEach(f -> f.join().forEach(c -> out.add(view(c))));
              return Response.json(200, Json.write(out));
            });
  }

  private CompletableFuture<Response> messages(Agent a, String id, Request r) {
    long before;
    int limit;
    try {
      before = r.param("before") == null ? Long.MAX_VALUE : Long.parseLong(r.param("before"));
      limit = r.param("limit") == null ? 50 : Integer.parseInt(r.param("limit"));
    } catch (NumberFormatException e) {
      return done(error(400, "invalid_field", "before and limit are numbers"));
    }
    if (limit < 1 || limit > 100) {
      return done(error(400, "invalid_field", "limit must be between 1 and 100"));
    }
    return chat.find(id)
        .thenCompose(
            c -> {
              if (c.isEmpty() || !a.sites().contains(c.get().site())) {
                return done(error(404, "not_found", "no such conversation of yours"));
              }
              return chat.readBefore(id, before, limit)
                  .thenApply(
                      page -> {
                        List<MessageView> ms = page.stream().map(ChatRestApi::view).toList();
                        return Response.json(
                            200,
                            Json.write(
                                new MessagePage(ms, !page.isEmpty() && page.get(0).seq() > 1)));
                      });
            });
  }

  private static void requireText(PostMessage m) {
    if (m.text() == null || m.text().isBlank()) {
      throw new IllegalArgumentException("missing field \"text\"");
    }
    if (m.text().codePointCount(0, m.text().length()) > 4000) {
      throw new IllegalArgumentException("text is longer than 4000 characters");
    }
  }

  private ConversationView view(ChatConversation c) {
    return new ConversationView(
        c.id(),
        c.site(),
        c.visitor(),
        c.status().wire(),
        c.agent(),
        chat.moodOf(c.id()),
        c.labels());
  }

  private static MessageView view(StoredMessage m) {
    return new MessageView(
        m.seq(), m.id(), m.sender(), m.kind(), m.text(), m.createdAtMillis(), m.status(), m.meta());
  }

  private static Response stored(Object result) {
    if (result instanceof AgentDesk.Outcome o) {
      return outcome(o);
    }
    return Response.json(201, Json.write(view((StoredMessage) result)));
  }

  private static Response outcome(AgentDesk.Outcome o) {
    if (o.ok()) {
      return Response.json(200, "{\"ok\":true}");
    }
    int status =
        o.error() == ErrorCode.FORBIDDEN
            ? 403
            : o.error() == ErrorCode.STORE_UNAVAILABLE ? 503 : 409;
    return error(status, o.error().code(), o.message());
  }

  private static Response error(int status, String code, String message) {
    return Response.json(status, Json.write(new ErrorBody(code, message)));
  }

  private static CompletableFuture<Response> done(Response r) {
    return CompletableFuture.completedFuture(r);
  }
}
