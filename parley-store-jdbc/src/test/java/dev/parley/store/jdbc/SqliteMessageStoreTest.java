package dev.parley.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.core.AppendRequest;
import dev.parley.core.MessageStore;
import dev.parley.core.MessageStoreContract;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteMessageStoreTest extends MessageStoreContract {
  @TempDir Path dir;

  @Override
  protected MessageStore openStore() {
    return SqliteMessageStore.open(dir);
  }

  @Test
  void reopeningTheFileContinuesSeqWhereItStopped() throws Exception {
    await(store.append(text("c1", "u1", "a", "one")));
    await(store.append(text("c1", "u1", "b", "two")));
    store.close();
    store = SqliteMessageStore.open(dir);
    assertThat(store.lastSeq("c1")).isEqualTo(2);
    assertThat(await(store.append(text("c1", "u1", "c", "three"))).message().seq()).isEqualTo(3);
    assertThat(await(store.append(text("c1", "u1", "a", "one"))).duplicate()).isTrue();
  }

  @Test
  void erasedWordsAreOverwrittenInTheFileNotJustHidden() throws Exception {
    String words = "the-visitors-words-" + "x".repeat(200);
    await(store.append(text("c1", "visitor", "v1", words)));
    await(store.append(text("c1", "agent", "a1", "kept")));
    store.eraseSender("c1", "visitor").get(10, TimeUnit.SECONDS);
    store.close(); // the last checkpoint moves the log into the file and empties it
    byte[] file = Files.readAllBytes(dir.resolve("parley.db"));
    assertThat(new String(file, StandardCharsets.ISO_8859_1)).doesNotContain("the-visitors-words");
    assertThat(new String(file, StandardCharsets.ISO_8859_1)).contains("kept");
    store = SqliteMessageStore.open(dir);
  }

  @Test
  void usesWalJournal() {
    assertThat(Files.exists(dir.resolve("parley.db-wal"))).isTrue();
  }

  @Test
  void concurrentWritesAreGroupedIntoFewerCommits() throws Exception {
    store.close();
    AtomicInteger commits = new AtomicInteger();
    AtomicInteger written = new AtomicInteger();
    store =
        SqliteMessageStore.open(
            dir,
            SqliteMessageStore.Options.defaults(),
            (size, nanos) -> {
              commits.incrementAndGet();
              written.addAndGet(size);
            });
    List<CompletableFuture<?>> fs = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      fs.add(store.append(new AppendRequest("c" + (i % 20), "u", "k" + i, "text", "x", 1L)));
    }
    CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    assertThat(written.get()).isEqualTo(2000);
    assertThat(commits.get()).isLessThan(2000);
  }

  @Test
  void theLogIsCheckpointedInTheBackgroundNotByTheWriter() throws Exception {
    Path db = dir.resolve("parley.db");
    long before = Files.size(db);
    List<CompletableFuture<?>> fs = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      fs.add(
          store.append(
              new AppendRequest(
                  "c" + (i % 50), "u", "k" + i, "text", "a message of some length " + i, 1L)));
    }
    CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    // The writer never checkpoints (wal_autocheckpoint=0): pages reach the database file only
    // through the background checkpoint, which runs every second.
    Awaitility.await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> Files.size(db) > before + 64 * 1024);
    store.close();
    Path wal = dir.resolve("parley.db-wal");
    assertThat(!Files.exists(wal) || Files.size(wal) == 0)
        .as("emptied by the last checkpoint on close")
        .isTrue();
    store = SqliteMessageStore.open(dir);
    assertThat(store.lastSeq("c7")).isEqualTo(60);
  }

  @Test
  void writesAfterCloseFailWithAStoreException() {
    store.close();
    CompletableFuture<?> f = store.append(text("c1", "u1", "late", "x"));
    assertThat(f)
        .failsWithin(5, TimeUnit.SECONDS)
        .withThrowableThat()
        .withMessageContaining("closed");
    store = SqliteMessageStore.open(dir);
  }
}
