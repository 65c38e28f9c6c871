package dev.parley.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time of processes, read from {@code /proc} (Linux only; -1 elsewhere). Stateless and
 * thread-safe. The bench reads other processes' figures only; it never signals them.
 */
final class Cpu {
  private Cpu() {}

  /** User + system CPU seconds of process {@code pid} so far, or -1. */
  static double seconds(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
      return ticks / 100.0; // USER_HZ is 100 on Linux
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * CPU seconds of process {@code pid} and its direct children (nginx's master and its workers), or
   * -1.
   */
  static double treeSeconds(long pid) {
    double sum = seconds(pid);
    if (sum < 0) {
      return -1;
    }
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), Cpu::isPid)) {
      for (Path p : procs) {
        try {
          String stat = Files.readString(p.resolve("stat"));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          if (Long.parseLong(f[1]) == pid) { // ppid (field 4)
            sum += Math.max(0, seconds(Long.parseLong(p.getFileName().toString())));
          }
        } catch (IOException | RuntimeException gone) {
          // the process ended while we looked
        }
      }
    } catch (IOException e) {
      return sum;
    }
    return sum;
  }

  private static boolean isPid(Path p) {
    return p.getFileName().toString().chars().allMatch(Character::isDigit);
  }

  /**
   * CPU seconds of every process named {@code postgres} on this machine (the server and its
   * backends: what PostgreSQL spends for Parley's writes), or 0 when there is none. A backend that
   * exits between two readings takes its time with it: read over a window in which the node keeps
   * its connection pool open.
   */
  static double postgresSeconds() {
    double sum = 0;
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), Cpu::isPid)) {
      for (Path p : procs) {
        try {
          if (Files.readString(p.resolve("comm")).strip().equals("postgres")) {
            double s = seconds(Long.parseLong(p.getFileName().toString()));
            sum += Math.max(0, s);
          }
        } catch (IOException | RuntimeException gone) {
          // the process ended while we looked
        }
      }
    } catch (IOException e) {
      return 0;
    }
    return sum;
  }
}
