package dev.parley.server;

import dev.parley.bots.knowledge.KnowledgeIndexes;
import dev.parley.chat.ChatLayer;
import dev.parley.chat.ChatMetrics;
import dev.parley.chat.ConversationStatus;
import dev.parley.chat.NamespaceProxy;
import dev.parley.core.CoreMetrics;
import dev.parley.edge.OpsApi;
import dev.parley.protocol.CloseCode;
import dev.parley.protocol.ErrorCode;
import dev.parley.store.jdbc.CommitListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Parley's metrics in Micrometer, scraped by Prometheus at {@code /metrics}. Every name and label
 * is listed in {@code docs/OPERATIONS.md#metrics}; labels are low-cardinality only (transport,
 * close code, reason, error code, status, site, batch, proxy kind and verdict) — never a user or
 * conversation id.
 *
 * <p>Thread-safe: Micrometer meters are; counters and timers are looked up per tag value (a small,
 * fixed set).
 */
public final class MicrometerMetrics
    implements CoreMetrics, ChatMetrics, CommitListener, OpsApi.Figures, AutoCloseable {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final AtomicInteger websocketsOpen = new AtomicInteger();
  private final AtomicInteger sessionsOpen = new AtomicInteger();
  private final Counter bytesIn;
  private final Counter bytesOut;
  private final Counter received;
  private final Counter delivered;
  private final Counter reconnects;
  private final Counter replayed;
  private final Counter ephemeralAppended;
  private final Counter continuityLost;
  private final Counter resumes;
  private final Timer sendAck;
  private final Timer sendDelivered;
  private final Timer brokerPublish;
  private final Timer storeCommit;
  private final DistributionSummary storeBatch;
  private final Counter storeRefused;
  private final Timer botFirstToken;
  private final Timer firstAgentResponse;
  private final Counter rateLimited;
  private final Counter slowConsumers;

  /**
   * The connection counters by their tags, looked up once: a connection's open and close are on
   * every handshake's path, where the registry's lookup (its id built, tags sorted) took about 1 %
   * of a handshake's CPU in a profile, 80 ns against 20 ns cached in a hot loop. As many entries as
   * the registry holds counters: a few transports, and the close codes a client may send (1000–1014
   * and 3000–4999, so at most about 2,000 per transport).
   */
  private final ConcurrentHashMap<String, Counter> opened = new ConcurrentHashMap<>();

  private final ConcurrentHashMap<Closed, Counter> closed = new ConcurrentHashMap<>();

  public MicrometerMetrics() {
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    Gauge.builder("parley.connections.open", websocketsOpen, AtomicInteger::get)
        .tag("transport", "websocket")
        .description("Open connections")
        .register(registry);
    Gauge.builder("parley.sessions.open", sessionsOpen, AtomicInteger::get)
        .description("Open sessions (connections that said hello or may)")
        .register(registry);
    bytesIn =
        Counter.builder("parley.received")
            .baseUnit("bytes")
            .description("WebSocket payload received")
            .register(registry);
    bytesOut =
        Counter.builder("parley.sent")
            .baseUnit("bytes")
            .description("WebSocket payload sent")
            .register(registry);
    received =
        Counter.builder("parley.messages.received")
            .description("send commands accepted for storing")
            .register(registry);
    delivered =
        Counter.builder("parley.messages.delivered")
            .description("Stored messages written live to subscribers")
            .register(registry);
    reconnects =
        Counter.builder("parley.reconnects")
            .description("hello with a token and resume positions")
            .register(registry);
    resumes =
        Counter.builder("parley.resumes")
            .description("Catch-ups from the store that replayed messages")
            .register(registry);
    replayed =
        Counter.builder("parley.messages.replayed")
            .description("Messages replayed from the store")
            .register(registry);
    ephemeralAppended =
        Counter.builder("parley.messages.ephemeral")
            .description("Messages of ephemeral channels kept by their window (never stored)")
            .register(registry);
    continuityLost =
        Counter.builder("parley.continuity.lost")
            .description("continuity_lost events: an ephemeral subscriber missed messages")
            .register(registry);
    sendAck = latency("parley.send.ack", "From a send's arrival to its ack (stored and published)");
    sendDelivered =
        latency(
            "parley.send.delivered",
            "From a message's arrival to its live delivery, once per message per event loop"
                + " (per subscriber for a message held while it caught up)");
    // Buckets only: recorded per message, and nothing reads its client-side percentiles (they cost
    // ~140 ns a record on one thread, ~440 ns on two; BENCHMARKS.md; the scrape has buckets only).
    brokerPublish =
        histogram("parley.broker.publish", "From publish to the broker taking it")
            .register(registry);
    storeCommit = latency("parley.store.commit", "Duration of one group commit");
    storeBatch =
        DistributionSummary.builder("parley.store.batch.size")
            .description("Writes per group commit")
            .publishPercentileHistogram()
            .register(registry);
    storeRefused =
        Counter.builder("parley.store.writes.refused")
            .description("Writes the store refused because it was overloaded")
            .register(registry);
    rateLimited =
        Counter.builder("parley.commands.rate.limited")
            .description("Commands refused by the rate limit")
            .register(registry);
    slowConsumers =
        Counter.builder("parley.slow.consumers.closed")
            .description("Connections closed for reading too slowly")
            .register(registry);
    botFirstToken =
        latency("parley.bot.first.token", "From a question to the bot's first piece of answer");
    // publishPercentiles: the admin dashboard reads p50/p95 from this timer's snapshot, which holds
    // percentile values only when they are asked for (without it the dashboard showed 0 s). They
    // cover the last hour (six rotating ten-minute buffers), not Micrometer's default two minutes,
    // after which a quiet site's dashboard fell back to 0 s.
    firstAgentResponse =
        Timer.builder("parley.agent.first.response")
            .description("From queued to an agent's first message")
            .publishPercentileHistogram()
            .publishPercentiles(0.5, 0.95, 0.99)
            .minimumExpectedValue(Duration.ofSeconds(1))
            .maximumExpectedValue(Duration.ofHours(2))
            .distributionStatisticExpiry(Duration.ofHours(1))
            .distributionStatisticBufferLength(6)
            .register(registry);
  }

  /** A latency timer whose p50, p95 and p99 the ops board and the admin dashboard read too. */
  private Timer latency(String name, String description) {
    return histogram(name, description).publishPercentiles(0.5, 0.95, 0.99).register(registry);
  }

  /** A latency timer with Prometheus buckets from 100 µs to 30 s. */
  private static Timer.Builder histogram(String name, String description) {
    return Timer.builder(name)
        .description(description)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofNanos(100_000))
        .maximumExpectedValue(Duration.ofSeconds(30));
  }

  /** Gauges of the chat layer: queue length per site, conversations per status. */
  public void bindChat(ChatLayer chat) {
    for (String site : chat.directory().siteIds()) {
      Gauge.builder("parley.queue.length", chat, c -> c.queueLengths().getOrDefault(site, 0))
          .tag("site", site)
          .description("Conversations waiting for an agent")
          .register(registry);
    }
    for (ConversationStatus st : ConversationStatus.values()) {
      Gauge.builder("parley.conversations", chat, c -> c.statusCounts().getOrDefault(st, 0))
          .tag("status", st.wire())
          .description("Chat conversations by status")
          .register(registry);
    }
  }

  /** The event webhooks' counts: deliveries dropped (queue full), delivered and given up. */
  void bindEvents(EventDelivery events) {
    FunctionCounter.builder(
            "parley.event.deliveries.dropped",
            events,
            e -> e.events().dropped() + e.events().lost())
        .description("Event webhook deliveries dropped: the queue was full or the store refused")
        .register(registry);
    FunctionCounter.builder(
            "parley.event.deliveries.delivered", events, e -> e.dispatcher().delivered())
        .description("Event webhook deliveries this node delivered")
        .register(registry);
    FunctionCounter.builder("parley.event.deliveries.failed", events, e -> e.dispatcher().failed())
        .description("Event webhook deliveries this node gave up")
        .register(registry);
    FunctionCounter.builder("parley.mail.sent", events, e -> e.mail().sent())
        .description("Away mails this node sent")
        .register(registry);
    FunctionCounter.builder("parley.mail.failed", events, e -> e.mail().failed())
        .description("Away mails this node gave up")
        .register(registry);
  }

  /**
   * The knowledge's counts: embeddings requests, failed ones, questions searched by words alone.
   */
  void bindKnowledge(KnowledgeIndexes k) {
    FunctionCounter.builder("parley.embeddings.requests", k, i -> i.client().requests())
        .description("Requests this node sent to embeddings endpoints")
        .register(registry);
    FunctionCounter.builder("parley.embeddings.failed", k, i -> i.client().failures())
        .description("Requests to embeddings endpoints that failed (tried again or not)")
        .register(registry);
    FunctionCounter.builder(
            "parley.knowledge.vector.fallbacks", k, KnowledgeIndexes::queryFallbacks)
        .description("Questions searched by words alone: their vector could not be had")
        .register(registry);
  }

  /** The Prometheus text exposition. */
  public String scrape() {
    return registry.scrape();
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  @Override
  public void connectionOpened(String transport) {
    websocketsOpen.incrementAndGet();
    opened
        .computeIfAbsent(
            transport, t -> registry.counter("parley.connections.opened", "transport", t))
        .increment();
  }

  @Override
  public void connectionClosed(String transport, int closeCode) {
    websocketsOpen.decrementAndGet();
    // A code the server sends, 1005 (none) or 1006 (no close frame) is its own label; one a client
    // chose (RFC 6455 lets it pick 3000-4999 among others) is "other": no series per client's code.
    boolean known = closeCode == 1005 || closeCode == 1006 || CloseCode.of(closeCode).isPresent();
    closed
        .computeIfAbsent(
            new Closed(transport, known ? Integer.toString(closeCode) : "other"),
            k ->
                registry.counter(
                    "parley.connections.closed", "transport", k.transport(), "code", k.code()))
        .increment();
  }

  /** The tags of a {@code parley.connections.closed} counter. */
  private record Closed(String transport, String code) {}

  @Override
  public void handshakeRejected(String reason) {
    registry.counter("parley.handshakes.rejected", "reason", reason).increment();
  }

  @Override
  public void bytesIn(long n) {
    bytesIn.increment((double) n);
  }

  @Override
  public void bytesOut(long n) {
    bytesOut.increment((double) n);
  }

  @Override
  public void messageReceived() {
    received.increment();
  }

  @Override
  public void messagesDelivered(int subscribers, long millis) {
    delivered.increment(subscribers);
    sendDelivered.record(Math.max(0, millis), TimeUnit.MILLISECONDS);
  }

  @Override
  public void sendAcked(long nanos) {
    sendAck.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void commandRejected(ErrorCode code) {
    registry.counter("parley.errors", "code", code.code()).increment();
    if (code == ErrorCode.RATE_LIMITED) {
      rateLimited.increment();
    }
  }

  @Override
  public void slowConsumerClosed() {
    slowConsumers.increment();
  }

  @Override
  public void reconnected() {
    reconnects.increment();
  }

  @Override
  public void replayed(int messages) {
    resumes.increment();
    replayed.increment(messages);
  }

  @Override
  public void ephemeralAppended() {
    ephemeralAppended.increment();
  }

  @Override
  public void continuityLost() {
    continuityLost.increment();
  }

  @Override
  public void brokerPublished(long nanos) {
    brokerPublish.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void sessionsChanged(int open) {
    sessionsOpen.set(open);
  }

  @Override
  public void committed(int batchSize, long nanos) {
    storeBatch.record(batchSize);
    storeCommit.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void refused() {
    storeRefused.increment();
  }

  @Override
  public void botFirstToken(long nanos) {
    botFirstToken.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void botAnswered(String status, long nanos) {
    Timer.builder("parley.bot.answer")
        .description("From a question to the end of the bot's answer")
        .tag("status", status)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofMinutes(2))
        .register(registry)
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void proxyAsked(String kind, String verdict, long nanos) {
    registry.counter("parley.proxy.requests", "kind", kind, "verdict", verdict).increment();
    Timer.builder("parley.proxy")
        .description("From a question to a namespace's proxy to its verdict")
        .tag("kind", kind)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(NamespaceProxy.MAX_TIMEOUT)
        .register(registry)
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void proxyOverloaded(String kind) {
    registry.counter("parley.proxy.requests", "kind", kind, "verdict", "overload").increment();
  }

  @Override
  public void firstAgentResponse(long nanos) {
    firstAgentResponse.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public String prometheusText() {
    return scrape();
  }

  @Override
  public double counter(String name) {
    return registry.find(name).counters().stream().mapToDouble(Counter::count).sum();
  }

  @Override
  public Map<String, Double> percentilesMillis(String timer) {
    Map<String, Double> out = new LinkedHashMap<>();
    Timer t = registry.find(timer).timer();
    if (t != null) {
      for (ValueAtPercentile v : t.takeSnapshot().percentileValues()) {
        out.put("p" + Math.round(v.percentile() * 100), v.value(TimeUnit.MILLISECONDS));
      }
    }
    return out;
  }

  @Override
  public int connectionsOpen() {
    return websocketsOpen.get();
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
