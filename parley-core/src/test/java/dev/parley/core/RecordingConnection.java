package dev.parley.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.protocol.CloseCode;
import dev.parley.protocol.Codec;
import dev.parley.protocol.Push;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Connection} that records every frame the core writes, decoded, for a test to pop in
 * order. Its executor is one real thread, like an event loop.
 */
final class RecordingConnection implements Connection, AutoCloseable {
  private final ExecutorService loop = Executors.newSingleThreadExecutor();
  private final BlockingQueue<Push> frames = new LinkedBlockingQueue<>();
  private final Codec codec = new Codec();
  volatile CloseCode closedWith;

  @Override
  public ExecutorService executor() {
    return loop;
  }

  @Override
  public void send(byte[] frame) {
    frames.add(codec.decodePush(frame, 0, frame.length));
  }

  @Override
  public void send(byte[] frame, Runnable afterWrite) {
    send(frame);
    loop.execute(afterWrite);
  }

  @Override
  public void close(CloseCode code, String reason) {
    closedWith = code;
  }

  @Override
  public String remoteAddress() {
    return "test";
  }

  @Override
  public String transport() {
    return "test";
  }

  /** The next frame, waiting up to 5 s. */
  Push next() throws InterruptedException {
    Push p = frames.poll(5, TimeUnit.SECONDS);
    assertThat(p).as("a frame within 5 s").isNotNull();
    return p;
  }

  @SuppressWarnings("unchecked")
  <T extends Push> T next(Class<T> type) throws InterruptedException {
    Push p = next();
    assertThat(p).isInstanceOf(type);
    return (T) p;
  }

  /** Asserts that nothing else arrives: a ping fence must be the next frame. */
  void assertNothingMoreBefore(Session s) throws InterruptedException {
    byte[] ping = "{\"type\":\"ping\",\"ref\":\"fence\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    onLoop(() -> s.onFrame(ping, 0, ping.length));
    assertThat(next()).isEqualTo(new Push.Pong("fence"));
  }

  /** Runs {@code r} on the connection's loop, as the transport would. */
  void onLoop(Runnable r) {
    loop.execute(r);
  }

  @Override
  public void close() {
    loop.shutdownNow();
  }
}
