package dev.parley.chat;

import dev.parley.core.MessageStore;
import dev.parley.core.StoredMessage;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The bot's answers read aloud by the server ({@link VoiceSettings.SpokenAnswers#SERVER}): the
 * speech of a stored bot message, from its site's {@link Speaker}, of its {@link SpokenText}.
 *
 * <p>Every request reads the message from the store first, so an answer that was erased or whose
 * conversation was deleted is never spoken, even from the cache. Then the {@link SpeechCache}
 * (least recently used out, bounded by bytes), keyed by the message and the site's speech settings
 * (a changed voice speaks again); concurrent requests for the same answer share one synthesis.
 *
 * <p>Thread-safe. Never blocks the caller: the store's read runs on its read executor, the speaker
 * completes on its own threads; the futures complete there.
 */
public final class SpokenAnswers {
  /** How much audio is cached by default: a few dozen long answers, hundreds of short ones. */
  public static final long CACHE_BYTES = 64L * 1024 * 1024;

  /** What asking for an answer's speech gave. */
  public sealed interface Outcome {}

  /** The audio. */
  public record Spoken(Speaker.Audio audio) implements Outcome {}

  /** The site does not read answers aloud on the server ({@code voice.spokenAnswers}). */
  public record Off(VoiceSettings.SpokenAnswers mode) implements Outcome {}

  /** No message at that seq, or not one of the bot's. */
  public record NotAnAnswer(String why) implements Outcome {}

  /** The message has no words to speak (only marks, or only files). */
  public record Silent() implements Outcome {}

  /** The speaker failed ({@link Speaker.Failed#code}). */
  public record Failed(String code, String message) implements Outcome {}

  /**
   * What one synthesis is kept under: the answer and the site's speech settings. Not the asker's
   * language: an answer's words are in one language whoever asks, so a caller cannot make the
   * speaker run again (and evict other answers) by naming other tags.
   */
  private record Key(String conversation, long seq, String message, VoiceSettings.Speech speech) {}

  private final MessageStore store;
  private final Directory directory;
  private final Function<VoiceSettings.Speech, Speaker> speakers;
  private final SpeechCache<Key> cache;
  private final ConcurrentHashMap<Key, CompletableFuture<Speaker.Audio>> running =
      new ConcurrentHashMap<>();

  /**
   * @param speakers the speaker of each site's speech settings
   * @param cacheBytes the most bytes of audio kept
   */
  public SpokenAnswers(
      MessageStore store,
      Directory directory,
      Function<VoiceSettings.Speech, Speaker> speakers,
      long cacheBytes) {
    this.store = store;
    this.directory = directory;
    this.speakers = speakers;
    this.cache = new SpeechCache<>(cacheBytes);
  }

  /**
   * The speech of message {@code seq} of {@code conv} (the caller has checked that its asker takes
   * part), in {@code lang} (a tag, or null: the site's language, if it has one).
   */
  public CompletableFuture<Outcome> speech(ChatConversation conv, long seq, String lang) {
    Site site = directory.site(conv.site());
    VoiceSettings voice = site == null ? VoiceSettings.DEFAULTS : site.voice();
    if (voice.spokenAnswers() != VoiceSettings.SpokenAnswers.SERVER) {
      return CompletableFuture.completedFuture(new Off(voice.spokenAnswers()));
    }
    String language =
        lang != null ? lang : site.appearance() == null ? null : site.appearance().lang();
    return CompletableFuture.supplyAsync(() -> read(conv.id(), seq), store.readExecutor())
        .thenCompose(
            m -> {
              if (m == null || !m.kind().equals("bot")) {
                return done(new NotAnAnswer(m == null ? "no message " + seq : "not the bot's"));
              }
              String words = SpokenText.of(m.text());
              if (words.isEmpty()) {
                return done(new Silent());
              }
              return speak(new Key(conv.id(), seq, m.id(), voice.speech()), words, language);
            });
  }

  private CompletableFuture<Outcome> speak(Key key, String words, String lang) {
    Speaker.Audio kept = cache.get(key);
    if (kept != null) {
      return done(new Spoken(kept));
    }
    CompletableFuture<Speaker.Audio> mine = new CompletableFuture<>();
    CompletableFuture<Speaker.Audio> shared = running.putIfAbsent(key, mine);
    if (shared == null) {
      shared = mine;
      speakers
          .apply(key.speech())
          .speak(words, lang)
          .whenComplete(
              (audio, err) -> {
                if (err == null) {
                  cache.put(key, audio);
                }
                running.remove(key, mine);
                if (err != null) {
                  mine.completeExceptionally(err);
                } else {
                  mine.complete(audio);
                }
              });
    }
    return shared.handle(
        (audio, err) -> {
          if (err == null) {
            return new Spoken(audio);
          }
          Throwable e =
              err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
          return e instanceof Speaker.Failed f
              ? new Failed(f.code, f.getMessage())
              : new Failed("unavailable", String.valueOf(e));
        });
  }

  private StoredMessage read(String conversation, long seq) {
    if (seq < 1) {
      return null;
    }
    List<StoredMessage> m = store.readAfter(conversation, seq - 1, 1);
    return m.isEmpty() || m.get(0).seq() != seq ? null : m.get(0);
  }

  /** The bytes of audio in the cache (for metrics and tests). */
  public long cachedBytes() {
    return cache.bytes();
  }

  private static CompletableFuture<Outcome> done(Outcome o) {
    return CompletableFuture.completedFuture(o);
  }
}
