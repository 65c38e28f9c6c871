package dev.parley.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What this machine lets one load generator hold, read from {@code /proc}: the bench sizes its
 * connection counts to them before it starts.
 */
final class MachineLimits {
  private MachineLimits() {}

  /** The open-files limit of this process (sockets count), from /proc/self/limits, or -1. */
  static long openFilesLimit() {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/self/limits"))) {
        if (l.startsWith("Max open files")) {
          String[] f = l.trim().split("\\s+");
          return Long.parseLong(f[3]);
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  /**
   * How many local ports one source address has for connections to one destination
   * (ip_local_port_range).
   */
  static long ephemeralPorts() {
    try {
      String[] r =
          Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim().split("\\s+");
      return Long.parseLong(r[1]) - Long.parseLong(r[0]) + 1;
    } catch (IOException | RuntimeException e) {
      return 28_232; // Linux's default range, 32768-60999
    }
  }
}
