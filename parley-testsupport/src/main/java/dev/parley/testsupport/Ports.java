package dev.parley.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports on the loopback interface for processes a test starts: free ones, ones that refuse every
 * connection, and waiting for one to accept. Thread-safe.
 */
public final class Ports {
  private Ports() {}

  /** Where the kernel's own ephemeral ports are listed (Linux). */
  private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

  /** The lowest port {@link #free} hands out below the ephemeral range. */
  private static final int LOWEST = 20_000;

  /** Ports {@link #free} handed out in this JVM: never twice, even before their process binds. */
  private static final Set<Integer> handedOut = ConcurrentHashMap.newKeySet();

  /**
   * A port that is free now and that the kernel will not give away by itself: it lies below the
   * ephemeral range ({@code ip_local_port_range}), from which the kernel picks the port of every
   * {@code bind(0)} (another test's server, this JVM's own) and the local port of every outgoing
   * connection (a client, nginx's upstream, a driver). A port from that range that was free a
   * moment ago can be taken before the child process binds it, or while a node or proxy is down
   * between a stop and a start on the same port; and a client that keeps reconnecting to a dead
   * port there can even connect to itself (TCP simultaneous open). Where the range is not known, a
   * port of the kernel's choosing, as before.
   */
  public static int free() {
    int below = ephemeralLow();
    for (int attempt = 0; below > LOWEST && attempt < 200; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(LOWEST, below);
      if (!handedOut.contains(port) && bindable(port) && handedOut.add(port)) {
        return port;
      }
    }
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      handedOut.add(s.getLocalPort());
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A port on 127.0.0.1 where every connection is refused for as long as the returned socket is
   * open: it is bound (so nothing else can listen there, and no outgoing connection can take it as
   * its own port) but not listening, so the kernel answers each connection attempt with a reset.
   * What "a closed port" means in a test, without the race of a port that was closed a moment ago.
   * Close it at the end of the test.
   */
  public static Socket refusing() {
    Socket held = new Socket();
    try {
      held.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return held;
    } catch (IOException e) {
      try {
        held.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new UncheckedIOException(e);
    }
  }

  /** The first port of the kernel's ephemeral range; 0 when it cannot be read. */
  private static int ephemeralLow() {
    try {
      String[] range = Files.readString(EPHEMERAL_RANGE).trim().split("\\s+");
      return Integer.parseInt(range[0]);
    } catch (IOException | RuntimeException notLinux) {
      return 0;
    }
  }

  private static boolean bindable(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress("127.0.0.1", port));
      return true;
    } catch (IOException taken) {
      return false;
    }
  }

  /**
   * Waits until 127.0.0.1:{@code port} accepts a connection; false if it did not within {@code
   * max}.
   */
  public static boolean awaitListening(int port, Duration max) {
    long deadline = System.nanoTime() + max.toNanos();
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        return true;
      } catch (IOException notYet) {
        try {
          Thread.sleep(20); // polling a port that is not there yet; nothing to wait on instead
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
    return false;
  }
}
