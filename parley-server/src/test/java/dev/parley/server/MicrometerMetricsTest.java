package dev.parley.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The chat layer's counts as Prometheus reads them from {@link MicrometerMetrics}: the names and
 * labels {@code docs/OPERATIONS.md#metrics} lists.
 */
@Timeout(30)
class MicrometerMetricsTest {
  @Test
  void eachProxyVerdictCountsUnderItsKindAndTheAnswersAreTimed() {
    try (MicrometerMetrics metrics = new MicrometerMetrics()) {
      metrics.proxyAsked("publish", "deny", Duration.ofMillis(30).toNanos());
      metrics.proxyAsked("publish", "deny", Duration.ofMillis(10).toNanos());
      metrics.proxyAsked("subscribe", "allow", Duration.ofMillis(5).toNanos());
      metrics.proxyOverloaded("subscribe");

      String scrape = metrics.scrape();
      assertThat(scrape)
          .contains("parley_proxy_requests_total{kind=\"publish\",verdict=\"deny\"} 2.0")
          .contains("parley_proxy_requests_total{kind=\"subscribe\",verdict=\"allow\"} 1.0")
          .contains("parley_proxy_requests_total{kind=\"subscribe\",verdict=\"overload\"} 1.0")
          .contains("parley_proxy_seconds_count{kind=\"publish\"} 2")
          .contains("parley_proxy_seconds_sum{kind=\"publish\"} 0.04")
          .contains("parley_proxy_seconds_count{kind=\"subscribe\"} 1")
          .contains("parley_proxy_seconds_bucket{kind=\"subscribe\",le=");
    }
  }

  @Test
  void aCloseCodeTheServerDoesNotSendIsCountedAsOtherSoClientsCannotMintSeries() {
    try (MicrometerMetrics metrics = new MicrometerMetrics()) {
      for (int code : new int[] {4401, 1006, 1001, 3000, 4123, 4999, 1013}) {
        metrics.connectionOpened("websocket");
        metrics.connectionClosed("websocket", code);
      }

      String scrape = metrics.scrape();
      assertThat(scrape)
          .contains("parley_connections_closed_total{code=\"4401\",transport=\"websocket\"} 1.0")
          .contains("parley_connections_closed_total{code=\"1006\",transport=\"websocket\"} 1.0")
          .contains("parley_connections_closed_total{code=\"1001\",transport=\"websocket\"} 1.0")
          .contains("parley_connections_closed_total{code=\"other\",transport=\"websocket\"} 4.0")
          .doesNotContain("code=\"3000\"", "code=\"4123\"", "code=\"4999\"", "code=\"1013\"");
    }
  }

  @Test
  void theBrokersPublishKeepsNoPercentilesWhileTheAckKeepsThoseTheOpsBoardReads() {
    try (MicrometerMetrics metrics = new MicrometerMetrics()) {
      metrics.brokerPublished(Duration.ofMillis(2).toNanos());
      metrics.sendAcked(Duration.ofMillis(3).toNanos());

      assertThat(metrics.percentilesMillis("parley.send.ack")).containsKeys("p50", "p95", "p99");
      assertThat(metrics.percentilesMillis("parley.broker.publish")).isEmpty();
      assertThat(metrics.scrape())
          .as("Prometheus reads both through their buckets")
          .contains("parley_broker_publish_seconds_count 1")
          .contains("parley_broker_publish_seconds_bucket{le=")
          .contains("parley_send_ack_seconds_bucket{le=");
    }
  }
}
