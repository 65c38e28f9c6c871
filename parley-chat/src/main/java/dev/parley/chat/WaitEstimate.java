package dev.parley.chat;

import java.time.Duration;

/**
 * The wait a queued visitor is told: the average handle time times the place in the queue, shared
 * by the online agents ({@code docs/PROTOCOL.md#chat-events}).
 *
 * <p>Immutable and thread-safe.
 */
final class WaitEstimate {
  private final Duration averageHandleTime;

  WaitEstimate(Duration averageHandleTime) {
    this.averageHandleTime = averageHandleTime;
  }

  /** Seconds the visitor at {@code position} (from 1) of {@code site} waits with {@code onlineAgents}. */
  int seconds(String site, int position, int onlineAgents) {
    return (int) (averageHandleTime.toSeconds() * position / Math.max(1, onlineAgents));
  }
}
