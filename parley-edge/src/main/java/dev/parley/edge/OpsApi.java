package dev.parley.edge;

import dev.parley.chat.ChatIdentity;
import dev.parley.chat.ChatLayer;
import dev.parley.chat.Rating;
import dev.parley.core.Broker;
import dev.parley.core.MessageStore;
import dev.parley.core.Node;
import dev.parley.protocol.http.HttpApi;
import dev.parley.protocol.http.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The operators' endpoints, in front of the chat REST API: {@code /metrics} (Prometheus, on the
 * admin listener only: 404 on the public one), {@code /readyz} (store and broker reachable, not
 * draining) and {@code /api/admin/stats} (JSON for the dashboard: the {@link LiveFigures} and the
 * ratings, for admins). Everything else goes to {@code next}.
 *
 * <p>Thread-safe; never blocks the caller (the store check runs on a virtual thread).
 */
public final class OpsApi implements HttpApi {
  private final HttpApi next;
  private final Figures metrics;
  private final Node node;
  private final MessageStore store;
  private final Broker broker;
  private final ChatLayer chat;
  private final ChatAuthenticator auth;
  private final LiveFigures figures;
  private final ExecutorService checks = Executors.newVirtualThreadPerTaskExecutor();

  /**
   * What the operators' endpoints read from the metrics (the server's Micrometer registry).
   * Thread-safe.
   */
  public interface Figures {
    /** The Prometheus text exposition. */
    String prometheusText();

    /** Open WebSocket connections. */
    int connectionsOpen();

    /** A counter's value, 0 when it does not exist. */
    double counter(String name);

    /**
     * A timer's p50, p95 and p99 in milliseconds, in that order ("p50" → ms); empty when absent.
     */
    Map<String, Double> percentilesMillis(String timer);
  }

  public OpsApi(
      HttpApi next,
      Figures metrics,
      Node node,
      MessageStore store,
      Broker broker,
      ChatLayer chat,
      ChatAuthenticator auth) {
    this.next = next;
    this.metrics = metrics;
    this.node = node;
    this.store = store;
    this.broker = broker;
    this.chat = chat;
    this.auth = auth;
    this.figures = new LiveFigures(metrics, node, chat);
  }

  /** Readiness answers of this shape. */
  record Ready(String status, boolean store, boolean broker, boolean draining) {}

  @Override
  public CompletableFuture<Response> handle(Request r) {
    switch (r.path()) {
      case "/metrics" -> {
        if (r.listener() != Listener.ADMIN) {
          // Metrics describe the whole deployment: not for the clients' port
          // (docs/OPERATIONS.md#metrics).
          return CompletableFuture.completedFuture(Response.json(404, "{\"error\":\"not_found\"}"));
        }
        return CompletableFuture.completedFuture(
            new Response(
                200,
                "text/plain; version=0.0.4; charset=utf-8",
                metrics.prometheusText().getBytes(StandardCharsets.UTF_8),
                Map.of()));
      }
      case "/readyz" -> {
        return CompletableFuture.supplyAsync(store::isHealthy, checks)
            .completeOnTimeout(false, 2, TimeUnit.SECONDS)
            .exceptionally(e -> false)
            .thenApply(
                storeOk -> {
                  boolean brokerOk = broker.isHealthy();
                  boolean draining = node.isDraining();
                  boolean ready = storeOk && brokerOk && !draining;
                  return Response.json(
                      ready ? 200 : 503,
                      Json.write(
                          new Ready(ready ? "ready" : "unready", storeOk, brokerOk, draining)));
                });
      }
      case "/api/admin/stats" -> {
        return auth.staffOfBearer(r.header("authorization"))
            .thenApply(
                p -> {
                  if (p.isEmpty()) {
                    return Response.json(
                        401,
                        "{\"error\":\"unauthorized\",\"message\":\"send Authorization: Bearer <admin token>\"}");
                  }
                  if (ChatIdentity.role(p.get()) != ChatIdentity.Role.ADMIN) {
                    return Response.json(
                        403,
                        "{\"error\":\"forbidden\",\"message\":\"the admin API is for admins only\"}");
                  }
                  return null;
                })
            .thenCompose(
                refused ->
                    refused != null
                        ? CompletableFuture.completedFuture(refused)
                        : ratings()
                            .thenApply(
                                ratings -> {
                                  Map<String, Object> s = figures.snapshot();
                                  s.put("ratings", ratings);
                                  return Response.json(200, Json.write(s));
                                }));
      }
      default -> {
        return next.handle(r);
      }
    }
  }

  /** How long back the dashboard's rating counts reach. */
  static final Duration RATINGS_WINDOW = Duration.ofDays(7);

  /** Good and bad ratings per site over {@link #RATINGS_WINDOW}, from the store. */
  CompletableFuture<Map<String, Rating.Counts>> ratings() {
    long from = node.clock().millis() - RATINGS_WINDOW.toMillis();
    Map<String, CompletableFuture<Rating.Counts>> bySite = new TreeMap<>();
    for (String site : chat.directory().siteIds()) {
      bySite.put(site, chat.ratings().counts(site, from));
    }
    return CompletableFuture.allOf(bySite.values().toArray(CompletableFuture[]::new))
        .thenApply(
            v -> {
              Map<String, Rating.Counts> out = new LinkedHashMap<>();
              bySite.forEach((site, counts) -> out.put(site, counts.join()));
              return out;
            });
  }
}
