package dev.parley.testsupport;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP forwarder on a port of its own to a target on 127.0.0.1, that a test can stop (closing
 * every connection: the target "becomes unreachable") and start again on the same port. Lets a test
 * cut a service it does not own (PostgreSQL) without touching it. Thread-safe.
 */
public final class TcpProxy implements AutoCloseable {
  private final int port;
  private final int target;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private volatile ServerSocket server;

  public TcpProxy(int target) throws IOException {
    this.target = target;
    this.port = Ports.free();
    start();
  }

  public int port() {
    return port;
  }

  /** Listens again (after {@link #stop()}). */
  public synchronized void start() throws IOException {
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new InetSocketAddress("127.0.0.1", port));
    server = s;
    Thread.ofVirtual().start(() -> accept(s));
  }

  private void accept(ServerSocket s) {
    while (!s.isClosed()) {
      try {
        Socket client = s.accept();
        Socket upstream;
        try {
          upstream = new Socket("127.0.0.1", target);
        } catch (IOException e) {
          closeQuietly(client);
          continue;
        }
        synchronized (this) {
          // A stop() while this connection was being made must cut it too.
          if (s.isClosed()) {
            closeQuietly(client);
            closeQuietly(upstream);
            return;
          }
          open.add(client);
          open.add(upstream);
        }
        Thread.ofVirtual().start(() -> pump(client, upstream));
        Thread.ofVirtual().start(() -> pump(upstream, client));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void pump(Socket from, Socket to) {
    byte[] buf = new byte[16 * 1024];
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException ignored) {
      // one side went away: close both below
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  /** Stops listening and cuts every forwarded connection. */
  public synchronized void stop() {
    closeQuietly(server);
    for (Socket s : open) {
      closeQuietly(s);
    }
    open.clear();
  }

  private static void closeQuietly(Closeable c) {
    try {
      if (c != null) {
        c.close();
      }
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  @Override
  public void close() {
    stop();
  }
}
