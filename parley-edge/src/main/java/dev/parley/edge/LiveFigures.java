package dev.parley.edge;

import dev.parley.chat.ChatLayer;
import dev.parley.core.Node;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The live figures of one node, as {@code GET /api/admin/stats} answers them and the {@code
 * parley:stats} channel carries them ({@link StatsChannel}): this node's connections, sessions,
 * counters and latencies (from the metrics), and the queue and conversation counts of the whole
 * deployment (read from the shared store by the chat layer every 5 s). Rates come from two
 * snapshots' counters and times.
 *
 * <p>Thread-safe and non-blocking: it reads gauges, counters and timer snapshots only.
 */
public final class LiveFigures {
  private final OpsApi.Figures metrics;
  private final Node node;
  private final ChatLayer chat;

  public LiveFigures(OpsApi.Figures metrics, Node node, ChatLayer chat) {
    this.metrics = metrics;
    this.node = node;
    this.chat = chat;
  }

  /** A snapshot, in the order the documents list its fields. */
  public Map<String, Object> snapshot() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("at", node.clock().millis());
    s.put("connections", metrics.connectionsOpen());
    s.put("sessions", node.sessionCount());
    s.put("messagesReceived", (long) metrics.counter("parley.messages.received"));
    s.put("messagesDelivered", (long) metrics.counter("parley.messages.delivered"));
    s.put("reconnects", (long) metrics.counter("parley.reconnects"));
    s.put("deliveryLatencyMs", metrics.percentilesMillis("parley.send.delivered"));
    s.put("ackLatencyMs", metrics.percentilesMillis("parley.send.ack"));
    Map<String, Double> firstResponse =
        new LinkedHashMap<>(); // p50, p95, p99 in that order, in seconds
    metrics
        .percentilesMillis("parley.agent.first.response")
        .forEach((p, ms) -> firstResponse.put(p, ms / 1000.0));
    s.put("firstAgentResponseSeconds", firstResponse);
    Map<String, Integer> queues = new TreeMap<>(chat.queueLengths());
    s.put("queueLength", queues.values().stream().mapToInt(Integer::intValue).sum());
    s.put("queueBySite", queues);
    Map<String, Integer> byStatus = new LinkedHashMap<>();
    chat.statusCounts().forEach((k, v) -> byStatus.put(k.wire(), v));
    s.put("conversations", byStatus);
    return s;
  }
}
