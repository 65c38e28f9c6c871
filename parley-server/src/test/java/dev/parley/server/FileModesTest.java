package dev.parley.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.store.jdbc.SqliteMessageStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data directory is the owner's only: 0700, and 0600 for the database, its WAL files, the token
 * secret and the demo password, whichever of them makes the directory. ({@link DemoModeTest} checks
 * the same on a whole node.)
 */
@Timeout(60)
class FileModesTest {
  @TempDir Path dir;

  static void assertOwnerOnly(Path data, List<String> files) throws Exception {
    assertThat(Files.getPosixFilePermissions(data))
        .as(data.toString())
        .isEqualTo(PrivateFiles.OWNER_ONLY_DIR);
    for (String name : files) {
      assertThat(data.resolve(name)).exists();
      assertThat(Files.getPosixFilePermissions(data.resolve(name)))
          .as(name)
          .isEqualTo(PrivateFiles.OWNER_ONLY_FILE);
    }
  }

  @Test
  void theStoreMakesItsDirectoryAndFilesTheOwnersOnly() throws Exception {
    Path data = dir.resolve("new").resolve("data");
    try (SqliteMessageStore store = SqliteMessageStore.open(data)) {
      PrivateFiles.loadOrCreateSecret(data);
      assertOwnerOnly(data, List.of("parley.db", "parley.db-wal", "parley.db-shm", "secret.key"));
      assertThat(Files.getPosixFilePermissions(data.getParent()))
          .as("parents made too")
          .isEqualTo(PrivateFiles.OWNER_ONLY_DIR);
    }
  }

  @Test
  void theSecretAndTheDemoPasswordMakeTheDirectoryTheOwnersOnlyToo() throws Exception {
    Path first = dir.resolve("secret-first");
    PrivateFiles.loadOrCreateSecret(first);
    assertOwnerOnly(first, List.of("secret.key"));
    Path other = dir.resolve("password-first");
    DemoPassword.loadOrCreate(other);
    assertOwnerOnly(other, List.of("demo-agent-password"));
  }

  @Test
  void filesThatEarlierVersionsLeftReadableByAllAreMadeTheOwnersOnly() throws Exception {
    Path data = dir.resolve("data");
    SqliteMessageStore.open(data).close();
    PrivateFiles.loadOrCreateSecret(data);
    DemoPassword.loadOrCreate(data);
    for (String name : List.of("parley.db", "secret.key", "demo-agent-password")) {
      Files.setPosixFilePermissions(
          data.resolve(name), PosixFilePermissions.fromString("rw-r--r--"));
    }
    try (SqliteMessageStore store = SqliteMessageStore.open(data)) {
      PrivateFiles.loadOrCreateSecret(data);
      DemoPassword.loadOrCreate(data);
      assertOwnerOnly(
          data, List.of("parley.db", "parley.db-wal", "secret.key", "demo-agent-password"));
    }
  }
}
