package dev.parley.edge.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.ChatConversation;
import dev.parley.chat.ConversationFiles;
import dev.parley.chat.FileRecords;
import dev.parley.chat.InMemoryFileRecords;
import dev.parley.chat.InMemoryFileStore;
import dev.parley.chat.StoredFile;
import dev.parley.core.InMemorySharedState;
import dev.parley.protocol.http.HttpApi;
import dev.parley.protocol.http.HttpApi.Request;
import dev.parley.protocol.http.HttpApi.Response;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The uploads' pool is bounded: beyond its threads and queue an upload is refused with busy. */
@Timeout(30)
class FileUploadsTest {
  /** Records whose key look-ups wait for {@link #open}: the pool's threads stay busy until then. */
  static final class GatedRecords implements FileRecords {
    final InMemoryFileRecords inner = new InMemoryFileRecords();
    final CompletableFuture<Void> open = new CompletableFuture<>();
    final CountDownLatch asked;

    GatedRecords(int expected) {
      asked = new CountDownLatch(expected);
    }

    @Override
    public CompletableFuture<StoredFile> insert(StoredFile f) {
      return inner.insert(f);
    }

    @Override
    public CompletableFuture<Optional<StoredFile>> find(String id) {
      return inner.find(id);
    }

    @Override
    public CompletableFuture<Optional<StoredFile>> byKey(String c, String u, String k) {
      asked.countDown();
      return open.thenCompose(v -> inner.byKey(c, u, k));
    }

    @Override
    public CompletableFuture<List<StoredFile>> ofConversation(String c) {
      return inner.ofConversation(c);
    }

    @Override
    public CompletableFuture<Optional<StoredFile>> transcribed(String id, String t, String e) {
      return inner.transcribed(id, t, e);
    }

    @Override
    public CompletableFuture<Integer> countOf(String c) {
      return inner.countOf(c);
    }

    @Override
    public CompletableFuture<Boolean> delete(String id) {
      return inner.delete(id);
    }
  }

  @Test
  void anUploadBeyondThePoolsThreadsAndQueueIsRefusedBusyAndTheOthersComplete() throws Exception {
    try (FilesFixture f = new FilesFixture()) {
      GatedRecords records = new GatedRecords(1);
      ConversationFiles files =
          ConversationFiles.over(
              new InMemoryFileStore(),
              records,
              f.chatStore,
              f.directory,
              new InMemorySharedState(f.nodeClock::nanoTime),
              f.nodeClock);
      ChatConversation c = f.chatStore.find(f.shopConversation).get().orElseThrow();
      byte[] text = "hello".getBytes(StandardCharsets.UTF_8);
      try (FileUploads uploads =
          new FileUploads(
              files, f.nodeClock, t -> null, 1, 1, new DecodeBudget(1 << 20, Duration.ZERO))) {
        CompletableFuture<FileUploads.Outcome> running =
            uploads.upload(c, f.ann, "a", "a.txt", text);
        assertThat(records.asked.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<FileUploads.Outcome> queued =
            uploads.upload(c, f.ann, "b", "b.txt", text);

        FileUploads.Outcome refused =
            uploads.upload(c, f.ann, "c", "c.txt", text).get(10, TimeUnit.SECONDS);

        assertThat(refused)
            .isEqualTo(
                new FileUploads.Refused(
                    503, "busy", "too many uploads at once; try again in a moment"));
        records.open.complete(null);
        assertThat(running.get(10, TimeUnit.SECONDS)).isInstanceOf(FileUploads.Stored.class);
        assertThat(queued.get(10, TimeUnit.SECONDS)).isInstanceOf(FileUploads.Stored.class);
      }
    }
  }

  @Test
  void aFailingStoreIsAnsweredUnavailableNotInternal() throws Exception {
    try (FilesFixture f = new FilesFixture()) {
      GatedRecords records = new GatedRecords(1);
      records.open.completeExceptionally(new IllegalStateException("database down"));
      ConversationFiles files =
          ConversationFiles.over(
              new InMemoryFileStore(),
              records,
              f.chatStore,
              f.directory,
              new InMemorySharedState(f.nodeClock::nanoTime),
              f.nodeClock);
      try (FileUploads uploads = new FileUploads(files, f.nodeClock)) {
        FilesApi api =
            new FilesApi(HttpApi.NONE, f.auth, files, uploads, FilesFixture.SECRET, f.clock);
        Response r =
            api.handle(
                    new Request(
                        "POST",
                        "/api/conversations/" + f.shopConversation + "/files",
                        Map.of(),
                        Map.of("authorization", "Bearer " + f.annToken, "idempotency-key", "k"),
                        "hello".getBytes(StandardCharsets.UTF_8),
                        "127.0.0.1"))
                .get(10, TimeUnit.SECONDS);

        assertThat(r.status()).isEqualTo(503);
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("\"unavailable\"");
      }
    }
  }
}
