package dev.parley.edge.files;

import dev.parley.chat.ChatConversation;
import dev.parley.chat.ConversationFiles;
import dev.parley.chat.FileLimits;
import dev.parley.chat.StoredFile;
import dev.parley.core.KeyedBuckets;
import dev.parley.core.NodeClock;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One upload from bytes to a stored file: the uploader's rate first ({@link #BURST} at once, then
 * one every {@link #SECONDS_PER_UPLOAD} s per node; else {@code rate_limited}), the idempotency key
 * (a retry with the same bytes gets the stored file, other bytes {@code key_reused}), then the
 * site's limits ({@link FileLimits}: size, files in the conversation, then the type detected from
 * the bytes by {@link FileTypes}), then an image is re-encoded by {@link ImageCleaner} within the
 * node's {@link DecodeBudget}, and the file is stored once ({@link ConversationFiles#save}). A
 * refused upload stores nothing.
 *
 * <p>Thread-safe. The work (hashing, detection, decoding) runs on a bounded pool of its own, never
 * on the caller's event loop; when {@link #QUEUE} uploads already wait, another is refused with
 * {@code busy} rather than queued without end.
 */
public final class FileUploads implements AutoCloseable {
  /** Uploads that may wait for the pool beyond those in progress. */
  static final int QUEUE = 8;

  /** Uploads one uploader may start at once … */
  static final int BURST = 10;

  /** … and then one every so many seconds (per node). */
  static final int SECONDS_PER_UPLOAD = 6;

  /** The outcome of an upload. */
  public sealed interface Outcome {}

  /** Stored now ({@code created}) or earlier with the same key and bytes. */
  public record Stored(StoredFile file, boolean created) implements Outcome {}

  /** Refused: an HTTP status, an error code ({@code docs/PROTOCOL.md#files}) and why. */
  public record Refused(int status, String code, String message) implements Outcome {}

  private final ConversationFiles files;
  private final NodeClock clock;
  private final ThreadPoolExecutor pool;
  private final DecodeBudget budget;
  private final KeyedBuckets rate;
  private final SecureRandom random = new SecureRandom();

  /**
   * With a thread per core (at most 4), {@link #QUEUE} waiting and the default {@link
   * DecodeBudget}.
   */
  public FileUploads(ConversationFiles files, NodeClock clock) {
    this(
        files,
        clock,
        Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())),
        QUEUE,
        new DecodeBudget(DecodeBudget.defaultBytes(), DecodeBudget.WAIT));
  }

  FileUploads(
      ConversationFiles files, NodeClock clock, int threads, int queue, DecodeBudget budget) {
    this.files = files;
    this.clock = clock;
    this.budget = budget;
    this.rate = new KeyedBuckets(clock, 1.0 / SECONDS_PER_UPLOAD, BURST, 10_000);
    AtomicInteger n = new AtomicInteger();
    this.pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(queue),
            r ->
                Thread.ofPlatform()
                    .name("parley-uploads-" + n.incrementAndGet())
                    .daemon(true)
                    .unstarted(r));
    pool.allowCoreThreadTimeOut(true);
  }

  /**
   * Stores {@code bytes} named {@code name} by {@code uploader} with idempotency key {@code key} in
   * conversation {@code c} (whose participant the caller checked).
   */
  public CompletableFuture<Outcome> upload(
      ChatConversation c, String uploader, String key, String name, byte[] bytes) {
    if (!rate.take(uploader)) {
      long seconds = Math.max(1, (rate.millisUntilNext(uploader) + 999) / 1000);
      return CompletableFuture.completedFuture(
          new Refused(
              429, "rate_limited", "too many uploads; try again in " + seconds + " seconds"));
    }
    try {
      return CompletableFuture.supplyAsync(() -> run(c, uploader, key, name, bytes), pool)
          .thenCompose(f -> f);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.completedFuture(
          new Refused(503, "busy", "too many uploads at once; try again in a moment"));
    }
  }

  /** The pool's part: blocking on the records is allowed here. */
  private CompletableFuture<Outcome> run(
      ChatConversation c, String uploader, String key, String name, byte[] bytes) {
    String sha256 = sha256(bytes);
    Optional<StoredFile> earlier = files.byKey(c.id(), uploader, key).join();
    if (earlier.isPresent()) {
      return CompletableFuture.completedFuture(replay(earlier.get(), sha256));
    }
    FileLimits limits = files.limitsOf(c.site());
    if (files.countOf(c.id()).join() >= limits.maxPerConversation()) {
      return refused(
          422,
          "too_many_files",
          "this conversation holds "
              + limits.maxPerConversation()
              + " files, the most this site allows");
    }
    if (bytes.length == 0) {
      return refused(422, "empty_file", "the file is empty");
    }
    if (bytes.length > limits.maxBytes()) {
      return refused(
          413,
          "file_too_large",
          "the file has "
              + bytes.length
              + " bytes; this site accepts at most "
              + limits.maxBytes());
    }
    String type = FileTypes.detect(bytes);
    if (!limits.allows(type)) {
      return refused(
          415,
          "unsupported_type",
          "the file's content is "
              + type
              + "; this site accepts "
              + String.join(", ", limits.allowedTypes()));
    }
    String id = newId("f_");
    byte[] content = bytes;
    byte[] thumbnail = null;
    Integer width = null;
    Integer height = null;
    String thumbnailId = null;
    if (type.startsWith("image/")) {
      ImageCleaner.Clean clean;
      try {
        clean = ImageCleaner.clean(bytes, type, budget);
      } catch (ImageCleaner.Refused r) {
        int status =
            switch (r.code) {
              case "unsupported_type" -> 415;
              case "busy" -> 503;
              default -> 422;
            };
        return refused(status, r.code, r.getMessage());
      }
      content = clean.bytes();
      type = clean.type();
      width = clean.width();
      height = clean.height();
      thumbnail = clean.thumbnail();
      thumbnailId = id + "_t";
    }
    StoredFile f =
        new StoredFile(
            id,
            c.site(),
            c.id(),
            uploader,
            key,
            FileNames.clean(name),
            type,
            content.length,
            sha256,
            width,
            height,
            thumbnailId,
            clock.millis());
    return files
        .save(f, content, thumbnail)
        .thenApply(s -> s.created() ? new Stored(s.file(), true) : replay(s.file(), sha256));
  }

  /**
   * The answer to a retry: the stored file when the bytes are the same, else {@code key_reused}.
   */
  private static Outcome replay(StoredFile earlier, String sha256) {
    return earlier.sha256().equals(sha256)
        ? new Stored(earlier, false)
        : new Refused(
            409,
            "key_reused",
            "this idempotency key already names another file (other bytes): use a new key");
  }

  private static CompletableFuture<Outcome> refused(int status, String code, String message) {
    return CompletableFuture.completedFuture(new Refused(status, code, message));
  }

  private String newId(String prefix) {
    byte[] b = new byte[16];
    random.nextBytes(b);
    return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    pool.shutdown();
  }
}
