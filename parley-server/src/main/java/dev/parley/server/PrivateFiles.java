package dev.parley.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Set;

/**
 * The data directory's private files: the directory is made with mode 0700, files in it are written
 * with mode 0600 (the token secret, the demo password). On a file system without POSIX permissions
 * the modes are skipped and the directory's own protection applies.
 *
 * <p>Stateless; any thread.
 */
final class PrivateFiles {
  static final Set<PosixFilePermission> OWNER_ONLY_DIR =
      PosixFilePermissions.fromString("rwx------");
  static final Set<PosixFilePermission> OWNER_ONLY_FILE =
      PosixFilePermissions.fromString("rw-------");

  private PrivateFiles() {}

  /**
   * Makes {@code dir} and any missing parents with mode 0700; an existing directory is left as it
   * is.
   */
  static void createDirectories(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    try {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
    } catch (UnsupportedOperationException e) {
      Files.createDirectories(dir);
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(dir)) {
        throw e;
      }
    }
  }

  /**
   * Writes {@code bytes} to {@code file} with mode 0600, atomically: a reader sees all or nothing.
   */
  static void writeNew(Path file, byte[] bytes) throws IOException {
    Path tmp =
        Files.createTempFile(
            file.toAbsolutePath().getParent(), file.getFileName().toString(), ".tmp");
    try {
      restrict(tmp);
      Files.write(tmp, bytes);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Sets an existing file's mode to 0600 (files made by earlier versions were readable by all). */
  static void restrict(Path file) throws IOException {
    try {
      Files.setPosixFilePermissions(file, OWNER_ONLY_FILE);
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: the data directory's own permissions protect it.
    }
  }

  /**
   * The 32-byte secret that signs visitor tokens: {@code secret.key} in the data directory (made
   * with mode 0700), mode 0600.
   */
  static byte[] loadOrCreateSecret(Path dataDir) {
    Path file = dataDir.resolve("secret.key");
    try {
      PrivateFiles.createDirectories(dataDir);
      if (Files.exists(file)) {
        byte[] b = Files.readAllBytes(file);
        if (b.length < 32) {
          throw new IllegalStateException(
              file + " holds fewer than 32 bytes; delete it to make a new one");
        }
        PrivateFiles.restrict(file);
        return b;
      }
      byte[] b = new byte[32];
      new SecureRandom().nextBytes(b);
      PrivateFiles.writeNew(file, b);
      return b;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create " + file, e);
    }
  }
}
