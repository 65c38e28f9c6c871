package dev.parley.edge.files;

import dev.parley.chat.ChatConversation;
import dev.parley.chat.ConversationFiles;
import dev.parley.chat.FileLimits;
import dev.parley.chat.StoredFile;
import dev.parley.chat.Transcriber;
import dev.parley.chat.VoiceSettings;
import dev.parley.core.KeyedBuckets;
import dev.parley.core.NodeClock;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One upload from bytes to a stored file: the uploader's rate first ({@link #BURST} at once, then
 * one every {@link #SECONDS_PER_UPLOAD} s per node; else {@code rate_limited}), the idempotency key
 * (a retry with the same bytes gets the stored file, other bytes {@code key_reused}), then the
 * site's limits ({@link FileLimits}: size, files in the conversation, then the type detected from
 * the bytes by {@link FileTypes}), then an image is re-encoded by {@link ImageCleaner} within the
 * node's {@link DecodeBudget}, and the file is stored once ({@link ConversationFiles#save}). A
 * refused upload stores nothing. Audio is a voice note: its length is bounded ({@link
 * AudioLength}), and when the site names a transcription endpoint the new file is transcribed once
 * stored; the upload answers when the transcript (or the failure, kept as {@code transcriptError})
 * is in the record, which the transcriber's own time-out bounds (and {@link #TRANSCRIPTION_WAIT}
 * besides). A failed transcription refuses nothing: the file is stored either way.
 *
 * <p>Thread-safe. The work (hashing, detection, decoding) runs on a bounded pool of its own, never
 * on the caller's event loop; when {@link #QUEUE} uploads already wait, another is refused with
 * {@code busy} rather than queued without end.
 */
public final class FileUploads implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FileUploads.class);

  /** Uploads that may wait for the pool beyond those in progress. */
  static final int QUEUE = 8;

  /** Uploads one uploader may start at once … */
  static final int BURST = 10;

  /** … and then one every so many seconds (per node). */
  static final int SECONDS_PER_UPLOAD = 6;

  /** The longest an upload waits for its transcript, whatever the transcriber's own time-out. */
  static final Duration TRANSCRIPTION_WAIT = Duration.ofSeconds(90);

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
  private final Function<VoiceSettings.Transcription, Transcriber> transcribers;

  /**
   * With a thread per core (at most 4), {@link #QUEUE} waiting and the default {@link
   * DecodeBudget}.
   */
  public FileUploads(ConversationFiles files, NodeClock clock) {
    this(files, clock, t -> null);
  }

  /**
   * As {@link #FileUploads(ConversationFiles, NodeClock)}, with the transcriber of a site's
   * transcription settings ({@code dev.parley.bots.Transcribers}; null for none), which {@link
   * #close} closes when it is {@link AutoCloseable}.
   */
  public FileUploads(
      ConversationFiles files,
      NodeClock clock,
      Function<VoiceSettings.Transcription, Transcriber> transcribers) {
    this(
        files,
        clock,
        transcribers,
        Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())),
        QUEUE,
        new DecodeBudget(DecodeBudget.defaultBytes(), DecodeBudget.WAIT));
  }

  FileUploads(
      ConversationFiles files,
      NodeClock clock,
      Function<VoiceSettings.Transcription, Transcriber> transcribers,
      int threads,
      int queue,
      DecodeBudget budget) {
    this.files = files;
    this.transcribers = transcribers;
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
    Double seconds = type.equals("audio/wav") ? AudioLength.wavSeconds(bytes) : null;
    if (type.startsWith("audio/")) {
      String tooLong = AudioLength.tooLong(type, bytes, seconds, files.voiceOf(c.site()));
      if (tooLong != null) {
        return refused(413, "audio_too_long", tooLong);
      }
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
            clock.millis(),
            seconds,
            null,
            null);
    byte[] stored = content;
    return files
        .save(f, content, thumbnail)
        .thenCompose(
            s ->
                s.created()
                    ? transcribed(s.file(), stored).thenApply(t -> new Stored(t, true))
                    : CompletableFuture.completedFuture(replay(s.file(), sha256)));
  }

  /**
   * {@code f} (just stored) with its transcript or the failure's code kept, when it is audio and
   * its site has a transcriber; else {@code f}. Never fails: a store that cannot keep the outcome
   * leaves the file as it was stored.
   */
  private CompletableFuture<StoredFile> transcribed(StoredFile f, byte[] audio) {
    VoiceSettings.Transcription settings = files.voiceOf(f.site()).transcription();
    Transcriber t = f.isAudio() && settings != null ? transcribers.apply(settings) : null;
    if (t == null) {
      return CompletableFuture.completedFuture(f);
    }
    CompletableFuture<String> text;
    try {
      text =
          t.transcribe(f.name(), f.type(), audio)
              .orTimeout(TRANSCRIPTION_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      text = CompletableFuture.failedFuture(e);
    }
    return text.handle(
            (words, err) -> {
              if (err == null) {
                return files.transcribed(f.id(), words, null);
              }
              Throwable cause = err instanceof CompletionException ? err.getCause() : err;
              String code =
                  cause instanceof Transcriber.Failed tf
                      ? tf.code
                      : cause instanceof TimeoutException ? "timeout" : "unavailable";
              log.warn("transcribing file {} failed ({}): {}", f.id(), code, cause.toString());
              return files.transcribed(f.id(), null, code);
            })
        .thenCompose(kept -> kept)
        .handle(
            (kept, err) -> {
              if (err != null) {
                log.warn("keeping the transcript of file {} failed", f.id(), err);
                return f;
              }
              return kept.orElse(f);
            });
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

  /** Stops the pool, and closes the transcribers when they can be closed (they are this one's). */
  @Override
  public void close() {
    pool.shutdown();
    if (transcribers instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception e) {
        log.debug("closing the transcribers failed", e);
      }
    }
  }
}
