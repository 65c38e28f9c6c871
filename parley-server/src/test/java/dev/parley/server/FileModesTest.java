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

/** The data directory is the owner's only: 0700, and 0600 for the database, its WAL files and the token secret. */
@Timeout(60)
class FileModesTest {
  @TempDir Path dir;

  static ParleyServer start(Path data) throws InterruptedException {
    return ParleyServer.start(ServerConfig.newBuilder().host("127.0.0.1").port(0).dataDir(data).agents(List.of()).build());
  }

  static void assertOwnerOnly(Path data) throws Exception {
    assertThat(Files.getPosixFilePermissions(data)).as(data.toString()).isEqualTo(PrivateFiles.OWNER_ONLY_DIR);
    for (String name : List.of("parley.db", "parley.db-wal", "parley.db-shm", "secret.key")) {
      assertThat(data.resolve(name)).exists();
      assertThat(Files.getPosixFilePermissions(data.resolve(name))).as(name).isEqualTo(PrivateFiles.OWNER_ONLY_FILE);
    }
  }

  @Test
  void aNewDataDirectoryAndEveryFileInItAreTheOwnersOnly() throws Exception {
    Path data = dir.resolve("new").resolve("data");
    try (ParleyServer server = start(data)) {
      assertOwnerOnly(data);
      assertThat(Files.getPosixFilePermissions(data.getParent())).as("parents made too").isEqualTo(PrivateFiles.OWNER_ONLY_DIR);
    }
  }

  @Test
  void filesThatEarlierVersionsLeftReadableByAllAreMadeTheOwnersOnly() throws Exception {
    Path data = dir.resolve("data");
    SqliteMessageStore.open(data).close();
    ParleyServer.loadOrCreateSecret(data);
    for (String name : List.of("parley.db", "secret.key")) {
      Files.setPosixFilePermissions(data.resolve(name), PosixFilePermissions.fromString("rw-r--r--"));
    }
    try (SqliteMessageStore store = SqliteMessageStore.open(data)) {
      ParleyServer.loadOrCreateSecret(data);
      assertThat(Files.getPosixFilePermissions(data.resolve("parley.db"))).isEqualTo(PrivateFiles.OWNER_ONLY_FILE);
      assertThat(Files.getPosixFilePermissions(data.resolve("parley.db-wal"))).isEqualTo(PrivateFiles.OWNER_ONLY_FILE);
      assertThat(Files.getPosixFilePermissions(data.resolve("secret.key"))).isEqualTo(PrivateFiles.OWNER_ONLY_FILE);
    }
  }
}
