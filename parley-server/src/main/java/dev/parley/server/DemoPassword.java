package dev.parley.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;

/**
 * The demo agents' password in demo mode: made at random on first start, kept in {@code
 * demo-agent-password} in the data directory (mode 0600) so it survives restarts, and printed at
 * start. {@code --demo-agent-password} replaces it.
 *
 * <p>Stateless; called on the main thread at start.
 */
final class DemoPassword {
  static final String FILE = "demo-agent-password";

  /** No 0/o, 1/l/i: easy to read off a terminal. 31 symbols, almost 5 bits each. */
  private static final String ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";

  /** 16 symbols, 79 bits, written as four groups of four. */
  private static final int LENGTH = 16;

  private DemoPassword() {}

  /** The file the password of {@code dataDir} is kept in. */
  static Path file(Path dataDir) {
    return dataDir.resolve(FILE);
  }

  /**
   * The password kept in {@code dataDir}, made (with the directory, mode 0700) if there is none.
   *
   * @throws UncheckedIOException when the file cannot be read or written
   * @throws IllegalStateException when the file holds no usable password
   */
  static String loadOrCreate(Path dataDir) {
    Path file = file(dataDir);
    try {
      PrivateFiles.createDirectories(dataDir);
      if (Files.exists(file)) {
        String kept = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (kept.length() < 12) {
          throw new IllegalStateException(
              file + " holds no password of 12 characters or more; delete it to make a new one");
        }
        PrivateFiles.restrict(file);
        return kept;
      }
      String made = random();
      PrivateFiles.writeNew(file, (made + "\n").getBytes(StandardCharsets.UTF_8));
      return made;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create " + file, e);
    }
  }

  private static String random() {
    SecureRandom random = new SecureRandom();
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < LENGTH; i++) {
      if (i > 0 && i % 4 == 0) {
        sb.append('-');
      }
      sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return sb.toString();
  }
}
