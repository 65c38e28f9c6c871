package dev.parley.transport;

import dev.parley.core.CoreMetrics;
import dev.parley.protocol.ErrorCode;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records what the transport counts, as short strings ({@code rejected:origin}, {@code
 * closed:websocket:1002}). Thread-safe.
 */
final class RecordingMetrics implements CoreMetrics {
  final List<String> events = new CopyOnWriteArrayList<>();

  @Override
  public void handshakeRejected(String reason) {
    events.add("rejected:" + reason);
  }

  @Override
  public void connectionOpened(String transport) {
    events.add("opened:" + transport);
  }

  @Override
  public void connectionClosed(String transport, int closeCode) {
    events.add("closed:" + transport + ":" + closeCode);
  }

  @Override
  public void commandRejected(ErrorCode code) {
    events.add("command-rejected:" + code);
  }

  @Override
  public void slowConsumerClosed() {
    events.add("slow-consumer");
  }
}
