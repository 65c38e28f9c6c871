package dev.parley.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.core.AppendRequest;
import dev.parley.core.InMemoryMessageStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link SpokenAnswers} over an in-memory store and a speaker that completes when the test says:
 * only the bot's answers are spoken, only when the site says {@code server}; a replay comes from
 * the cache and concurrent asks share one synthesis; the cache is bounded by bytes; an answer
 * deleted from the store is never spoken again, cache or not.
 */
@Timeout(10)
class SpokenAnswersTest {
  static final VoiceSettings.Speech TTS =
      new VoiceSettings.Speech("http://tts", "tts-1", "alloy", null, "mp3");

  /** A speaker whose answers the test completes; it records what it was asked. */
  static final class HeldSpeaker implements Speaker {
    final List<String> asked = new CopyOnWriteArrayList<>();
    final BlockingQueue<CompletableFuture<Audio>> pending = new LinkedBlockingQueue<>();

    @Override
    public CompletableFuture<Audio> speak(String text, String language) {
      asked.add(text + "|" + language);
      CompletableFuture<Audio> f = new CompletableFuture<>();
      pending.add(f);
      return f;
    }

    /** The next ask's answer to complete, once it is asked (the store's read runs elsewhere). */
    CompletableFuture<Audio> next() {
      try {
        return pending.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  final InMemoryMessageStore store = new InMemoryMessageStore();
  final Directory directory = new Directory(Map.of(), Map.of());
  final HeldSpeaker speaker = new HeldSpeaker();
  final ChatConversation conv = ChatConversation.opened("chat_acme_v1", "acme", "v1", 0L);

  @AfterEach
  void close() throws Exception {
    store.close();
  }

  SpokenAnswers answers(VoiceSettings.SpokenAnswers mode, long cacheBytes) {
    Site site =
        new Site("acme", "Acme", List.of(), "hi", "Bot", 0.5, null)
            .withVoice(
                new VoiceSettings(
                    120, null, mode, mode == VoiceSettings.SpokenAnswers.OFF ? null : TTS));
    directory.replace(Map.of("acme", site), Map.of(), 1);
    return new SpokenAnswers(store, directory, s -> speaker, cacheBytes);
  }

  long append(String sender, String kind, String text) {
    return store
        .append(new AppendRequest(conv.id(), sender, null, kind, text, 1L))
        .join()
        .message()
        .seq();
  }

  static Speaker.Audio audio(int n) {
    return new Speaker.Audio("audio/mpeg", new byte[n]);
  }

  @Test
  void theBotsAnswerIsSpokenOnceAndReplayedFromTheCache() {
    SpokenAnswers a = answers(VoiceSettings.SpokenAnswers.SERVER, 1000);
    long q = append("v1", "text", "where is my order?");
    long seq = append("bot", "bot", "It ships **today** [1]. See https://x.example/track");

    CompletableFuture<SpokenAnswers.Outcome> first = a.speech(conv, seq, "en");
    CompletableFuture<SpokenAnswers.Outcome> second = a.speech(conv, seq, "en");
    speaker.next().complete(audio(100));

    assertThat(first.join()).isInstanceOf(SpokenAnswers.Spoken.class);
    assertThat(second.join()).as("shares the synthesis").isInstanceOf(SpokenAnswers.Spoken.class);
    assertThat(a.speech(conv, seq, "en").join()).isInstanceOf(SpokenAnswers.Spoken.class);
    // Other language tags get the same audio: naming tags cannot make the speaker run again.
    for (String lang : new String[] {"EN", "en-a", "de", null}) {
      assertThat(a.speech(conv, seq, lang).join()).isInstanceOf(SpokenAnswers.Spoken.class);
    }
    assertThat(speaker.asked).containsExactly("It ships today. See|en");
    assertThat(a.cachedBytes()).isEqualTo(100);

    assertThat(a.speech(conv, q, "en").join()).isInstanceOf(SpokenAnswers.NotAnAnswer.class);
    assertThat(a.speech(conv, 99, "en").join()).isInstanceOf(SpokenAnswers.NotAnAnswer.class);
    assertThat(a.speech(conv, 0, "en").join()).isInstanceOf(SpokenAnswers.NotAnAnswer.class);
  }

  @Test
  void aDeletedAnswerIsNeverSpokenAgain() {
    SpokenAnswers a = answers(VoiceSettings.SpokenAnswers.SERVER, 1000);
    long seq = append("bot", "bot", "Hello");
    CompletableFuture<SpokenAnswers.Outcome> f = a.speech(conv, seq, null);
    speaker.next().complete(audio(10));
    assertThat(f.join()).isInstanceOf(SpokenAnswers.Spoken.class);

    store.deleteConversation(conv.id()).join();

    assertThat(a.speech(conv, seq, null).join()).isInstanceOf(SpokenAnswers.NotAnAnswer.class);
  }

  @Test
  void offOrBrowserModeIsRefusedAndAFailureSaysWhy() {
    long seq = append("bot", "bot", "Hello");
    assertThat(answers(VoiceSettings.SpokenAnswers.BROWSER, 1000).speech(conv, seq, null).join())
        .isEqualTo(new SpokenAnswers.Off(VoiceSettings.SpokenAnswers.BROWSER));
    assertThat(answers(VoiceSettings.SpokenAnswers.OFF, 1000).speech(conv, seq, null).join())
        .isEqualTo(new SpokenAnswers.Off(VoiceSettings.SpokenAnswers.OFF));

    SpokenAnswers a = answers(VoiceSettings.SpokenAnswers.SERVER, 1000);
    CompletableFuture<SpokenAnswers.Outcome> f = a.speech(conv, seq, null);
    speaker.next().completeExceptionally(new Speaker.Failed("timeout", "no speech"));
    assertThat(f.join()).isEqualTo(new SpokenAnswers.Failed("timeout", "no speech"));
    assertThat(a.cachedBytes()).as("a failure is not kept").isZero();

    long marks = append("bot", "bot", "**[1]** ```code```");
    assertThat(a.speech(conv, marks, null).join()).isInstanceOf(SpokenAnswers.Silent.class);
  }

  @Test
  void theCacheDropsTheLeastRecentlyUsedBeyondItsBytes() {
    SpeechCache<String> c = new SpeechCache<>(250);
    c.put("a", audio(100));
    c.put("b", audio(100));
    assertThat(c.get("a")).isNotNull(); // a is now the most recent
    c.put("c", audio(100));
    assertThat(c.get("b")).as("least recently used: out").isNull();
    assertThat(c.get("a")).isNotNull();
    assertThat(c.bytes()).isEqualTo(200);
    c.put("huge", audio(251));
    assertThat(c.get("huge")).as("larger than the bound: not kept").isNull();
    assertThat(c.size()).isEqualTo(2);
  }

  @Test
  void theSpokenTextLeavesOutWhatIsForTheEye() {
    assertThat(
            SpokenText.of(
                "# Shipping\n- **Fast**: _two_ days [^1]\n> see [our page](https://x.example)"))
        .isEqualTo("Shipping Fast: two days see our page");
    assertThat(SpokenText.of("Run `parley start`.\n```\ncode\n```\nDone【3†source】."))
        .isEqualTo("Run parley start. Done.");
    assertThat(SpokenText.of(null)).isEmpty();
    assertThat(SpokenText.of("Set user_id and _this_.")).isEqualTo("Set user_id and this.");
    String longText = "Word. ".repeat(1000);
    assertThat(SpokenText.of(longText))
        .hasSizeLessThanOrEqualTo(SpokenText.MAX_CHARS)
        .endsWith("Word.");
  }
}
