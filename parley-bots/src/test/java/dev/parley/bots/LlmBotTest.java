package dev.parley.bots;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.chat.Bot;
import dev.parley.chat.Site;
import dev.parley.core.ManualClock;
import dev.parley.core.StoredMessage;
import dev.parley.protocol.MessageMeta;
import dev.parley.protocol.openai.ChatCompletions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The LLM bot against a stand-in that speaks the real streaming format. Its watchdog runs on a
 * {@link ManualClock}: time passes only when a test advances it, so each time-out is tested at its
 * edge, and a clock that is never advanced never cuts an answer off.
 */
@Timeout(30)
class LlmBotTest {
  static final Duration FIRST_TOKEN = Duration.ofSeconds(2);
  static final Duration STALL = Duration.ofMillis(600);

  /** Out of reach of the manual clock's moves (and of the real clock's during a test). */
  static final Duration NEVER = Duration.ofHours(1);

  static final String ANSWER =
      "Parley keeps every message: each gets a sequence number when it is stored.";

  final ManualClock clock = new ManualClock();
  FakeLlmServer llm;
  LlmBot bot;
  final List<String> pieces = new CopyOnWriteArrayList<>();

  /** One permit per piece the bot said. */
  final Semaphore said = new Semaphore(0);

  volatile boolean stopped;

  /** What the bot last cited. */
  volatile MessageMeta cited;

  final Bot.AnswerSink sink =
      new Bot.AnswerSink() {
        @Override
        public boolean delta(String text) {
          pieces.add(text);
          said.release();
          return true;
        }

        @Override
        public boolean cancelled() {
          return stopped;
        }

        @Override
        public void cite(MessageMeta meta) {
          cited = meta;
        }
      };

  @BeforeEach
  void start() throws Exception {
    llm = new FakeLlmServer();
    bot = bot(FIRST_TOKEN, STALL, NEVER);
  }

  @AfterEach
  void stop() {
    bot.close();
    llm.close();
  }

  LlmBot bot(Duration firstToken, Duration stall, Duration total) {
    return new LlmBot(
        new LlmBot.Config(llm.baseUrl(), "test-model", "sk-test", firstToken, stall, total, 2),
        KnowledgeBaseTest.DEMO,
        clock);
  }

  /** A question the demo knowledge has passages for (the model is asked). */
  static final String ASKED = "What is the heartbeat?";

  Bot.Question question(String text) {
    return new Bot.Question(
        Site.demo(),
        "c",
        text,
        List.of(
            new StoredMessage("c", 1, "m1", "bot", null, "bot", "Hi! Ask me anything.", 1, null),
            new StoredMessage("c", 2, "m2", "v", "x", "text", "Hello", 2, null),
            new StoredMessage(
                "c", 3, "m3", "system", null, "system", "You're in the queue.", 3, null)));
  }

  /** Asks {@code b} on a virtual thread of its own, as a bot turn does. */
  CompletableFuture<Bot.Result> ask(LlmBot b) {
    CompletableFuture<Bot.Result> result = new CompletableFuture<>();
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                result.complete(b.answer(question(ASKED), sink));
              } catch (Exception e) {
                result.completeExceptionally(e);
              }
            });
    return result;
  }

  void awaitPieces(int n) throws InterruptedException {
    assertThat(said.tryAcquire(n, 10, TimeUnit.SECONDS)).as("%d pieces said", n).isTrue();
  }

  void awaitRequest() {
    await().atMost(Duration.ofSeconds(10)).until(() -> llm.bodies.size() == 1);
  }

  Bot.Result result(CompletableFuture<Bot.Result> answer) throws Exception {
    return answer.get(10, TimeUnit.SECONDS);
  }

  @Test
  void tokensStreamAsTheyArriveWithHistoryAndKnowledgeAsContext() throws Exception {
    Bot.Result r = bot.answer(question("What is the heartbeat?"), sink);
    assertThat(r.offerHuman()).isFalse();
    assertThat(String.join("", pieces)).isEqualTo(ANSWER);
    assertThat(pieces.size()).isGreaterThan(5);
    List<ChatCompletions.Message> sent = ChatCompletions.messagesOf(llm.bodies.get(0));
    assertThat(sent.get(0).role()).isEqualTo("system");
    assertThat(sent.get(0).content()).contains("ping every 30 seconds");
    assertThat(sent.subList(1, sent.size()))
        .containsExactly(
            new ChatCompletions.Message("assistant", "Hi! Ask me anything."),
            new ChatCompletions.Message("user", "Hello"),
            new ChatCompletions.Message("user", "What is the heartbeat?"));
    assertThat(new String(llm.bodies.get(0), StandardCharsets.UTF_8))
        .contains("\"model\":\"test-model\"")
        .contains("\"stream\":true");
    assertThat(llm.authorizations.get(0)).isEqualTo("Bearer sk-test");
    assertThat(clock.pendingTimers()).as("an answer that ended leaves no watchdog timer").isZero();
  }

  @Test
  void theModelIsToldOfTheFilesAMessageCarries() throws Exception {
    Bot.Question q = question(ASKED);
    bot.answer(
        new Bot.Question(
            q.site(),
            q.conversation(),
            ASKED,
            q.history(),
            null,
            List.of(
                new MessageMeta.Attachment(
                    "f_0123456789abcdefghijkl", "screen.png", "image/png", 4000, 640, 480, true))),
        sink);

    List<ChatCompletions.Message> sent = ChatCompletions.messagesOf(llm.bodies.get(0));
    assertThat(sent.get(sent.size() - 1))
        .isEqualTo(
            new ChatCompletions.Message(
                "user", ASKED + "\n[the visitor attached a file: screen.png, image/png]"));
  }

  @Test
  void aVoiceNoteWithoutTextIsAnsweredAsIfItsTranscriptWereTheQuestion() throws Exception {
    List<String> searched = new CopyOnWriteArrayList<>();
    Knowledge kb =
        (question, context, n) -> {
          searched.add(question);
          return List.of(
              new Knowledge.Hit(
                  new Knowledge.Passage("Heartbeat", "Every 25 s.", "ops.md", null), 0.9));
        };
    MessageMeta.Attachment voice =
        new MessageMeta.Attachment(
                "f_0123456789abcdefghijkl", "voice.ogg", "audio/ogg", 9000, null, null, false)
            .withAudio(3.5, ASKED, null);
    Bot.Question q = question("");
    try (LlmBot b =
        new LlmBot(
            new LlmBot.Config(llm.baseUrl(), "m", null, FIRST_TOKEN, STALL, NEVER, 2), kb, clock)) {
      b.answer(
          new Bot.Question(q.site(), q.conversation(), "", q.history(), null, List.of(voice)),
          sink);
    }

    assertThat(searched).as("the knowledge is searched with the transcript").containsExactly(ASKED);
    List<ChatCompletions.Message> sent = ChatCompletions.messagesOf(llm.bodies.get(0));
    assertThat(sent.get(sent.size() - 1)).isEqualTo(new ChatCompletions.Message("user", ASKED));
    assertThat(
            LlmPrompt.userText(
                new Bot.Question(
                    q.site(), q.conversation(), "Listen:", q.history(), null, List.of(voice))))
        .as("with text, the transcript is a line of its own")
        .isEqualTo("Listen:\n[the visitor sent a voice message: " + ASKED + "]");
  }

  @Test
  void aVoiceNoteEarlierInTheConversationReachesTheModelAsItsTranscript() throws Exception {
    MessageMeta.Attachment voice =
        new MessageMeta.Attachment(
                "f_0123456789abcdefghijkl", "voice.ogg", "audio/ogg", 9000, null, null, false)
            .withAudio(3.5, "Where is my parcel?", null);
    Bot.Question q = question("And when will it come?");
    List<StoredMessage> history = new ArrayList<>(q.history());
    history.add(
        new StoredMessage(
            "c", 4, "m4", "v", "z", "text", "", 4, null, MessageMeta.attaching(List.of(voice))));
    try (LlmBot b =
        new LlmBot(
            new LlmBot.Config(llm.baseUrl(), "m", null, FIRST_TOKEN, STALL, NEVER, 2),
            (question, context, n) ->
                List.of(
                    new Knowledge.Hit(
                        new Knowledge.Passage("Delivery", "Two days.", "ops.md", null), 0.9)),
            clock)) {
      b.answer(
          new Bot.Question(q.site(), q.conversation(), q.text(), history, null, List.of()), sink);
    }

    List<ChatCompletions.Message> sent = ChatCompletions.messagesOf(llm.bodies.get(0));
    assertThat(sent)
        .as("the earlier voice note is a user turn with its words, not an empty one")
        .contains(new ChatCompletions.Message("user", "Where is my parcel?"))
        .doesNotContain(new ChatCompletions.Message("user", ""));
  }

  @Test
  void passagesGoToThePromptWithTheirTitlesAndTheirDocument() throws Exception {
    Knowledge site =
        (question, context, n) ->
            List.of(
                new Knowledge.Hit(
                    new Knowledge.Passage(
                        "Warranty", "Two years on every kettle.", "Kettle guide", "kettles.pdf"),
                    1.0));
    try (LlmBot b =
        new LlmBot(
            new LlmBot.Config(llm.baseUrl(), "m", null, FIRST_TOKEN, STALL, NEVER, 2),
            site,
            clock)) {
      assertThat(b.answer(question("How long is the warranty?"), sink).offerHuman()).isFalse();
    }
    String system = ChatCompletions.messagesOf(llm.bodies.get(0)).get(0).content();
    assertThat(system)
        .contains("## Warranty (from \"Kettle guide\")\nTwo years on every kettle.")
        .contains("in the language of the visitor's question");
  }

  @Test
  void theAnswerCitesEachDocumentOfItsPromptOnceBestFirstWithItsLinkWhenItHasOne()
      throws Exception {
    Knowledge site =
        (question, context, n) ->
            List.of(
                hit("Warranty", "Kettle guide", "https://shop.example/kettles"),
                hit("Returns", "Returns policy", "returns.pdf"),
                hit("Descaling", "Kettle guide", "https://shop.example/kettles"));
    try (LlmBot b =
        new LlmBot(
            new LlmBot.Config(llm.baseUrl(), "m", null, FIRST_TOKEN, STALL, NEVER, 3),
            site,
            clock)) {
      assertThat(b.answer(question("How long is the warranty?"), sink).offerHuman()).isFalse();
    }
    assertThat(cited.sources())
        .containsExactly(
            new MessageMeta.Source("Kettle guide", "https://shop.example/kettles", null),
            new MessageMeta.Source("Returns policy", null, null));
  }

  @Test
  void aFallbackCitesNothing() throws Exception {
    llm.mode(FakeLlmServer.Mode.HTTP_500);
    assertThat(bot.answer(question(ASKED), sink).offerHuman()).isTrue();
    assertThat(pieces).containsExactly(LlmBot.FALLBACK);
    assertThat(cited).isNull();
    assertThat(bot.answer(question("zebra xylophone"), sink).offerHuman()).isTrue();
    assertThat(cited).isNull();
  }

  static Knowledge.Hit hit(String title, String document, String source) {
    return new Knowledge.Hit(
        new Knowledge.Passage(title, title + " is explained here.", document, source), 1.0);
  }

  @Test
  void whenTheKnowledgeHasNothingTheModelIsNotAskedAndTheAnswerIsUnsure() throws Exception {
    Bot.Result r = bot.answer(question("zebra xylophone"), sink);
    assertThat(r.offerHuman()).as("an unsure answer for the handoff rule").isTrue();
    assertThat(r.confidence()).isZero();
    assertThat(String.join("", pieces)).isEqualTo(KnowledgeBaseBot.NOT_SURE);
    assertThat(llm.bodies).as("the model is never asked").isEmpty();
  }

  @Test
  void theVisitorsEarlierTurnsFindPassagesForAShortFollowUp() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    Knowledge recording =
        (question, context, n) -> {
          seen.add(question + " | " + String.join(" / ", context));
          return KnowledgeBaseTest.DEMO.search(question, context, n);
        };
    try (LlmBot b =
        new LlmBot(
            new LlmBot.Config(llm.baseUrl(), "m", null, FIRST_TOKEN, STALL, NEVER, 2),
            recording,
            clock)) {
      Bot.Question followUp =
          new Bot.Question(
              Site.demo(),
              "c",
              "And then?",
              List.of(
                  new StoredMessage("c", 1, "m1", "v", "x", "text", "Hello", 1, null),
                  new StoredMessage("c", 2, "m2", "bot", null, "bot", "Hi!", 2, null),
                  new StoredMessage("c", 3, "m3", "v", "y", "text", ASKED, 3, null)));
      assertThat(b.answer(followUp, sink).offerHuman()).isFalse();
    }
    assertThat(seen).containsExactly("And then? | Hello / " + ASKED);
    assertThat(llm.bodies).hasSize(1);
  }

  @Test
  void aStreamThatKeepsComingIsNotCutOffHoweverLongItTakesInAll() throws Exception {
    llm.mode(FakeLlmServer.Mode.STEP);
    CompletableFuture<Bot.Result> answer = ask(bot);
    int words = ANSWER.split("(?<= )").length;
    for (int i = 1; i <= words; i++) {
      llm.step();
      awaitPieces(1);
      clock.advance(STALL.minus(LlmBot.CHECK_EVERY)); // each token comes just in time
    }
    assertThat(STALL.minus(LlmBot.CHECK_EVERY).multipliedBy(words))
        .isGreaterThan(STALL.multipliedBy(5));
    Bot.Result r = result(answer);
    assertThat(r.offerHuman()).isFalse();
    assertThat(String.join("", pieces)).isEqualTo(ANSWER);
  }

  @Test
  void aStalledStreamIsCutOffByTheStallWatchdogOnceTheStallTimeoutHasPassed() throws Exception {
    llm.mode(FakeLlmServer.Mode.STALL); // three chunks, then nothing
    CompletableFuture<Bot.Result> answer = ask(bot);
    awaitPieces(3);
    clock.advance(STALL); // silent for exactly the stall time-out: not yet
    assertThat(answer).isNotDone();
    clock.advance(LlmBot.CHECK_EVERY); // far from the first-token and total time-outs
    Bot.Result r = result(answer);
    assertThat(r.offerHuman()).isTrue();
    assertThat(pieces).hasSize(4).endsWith(LlmBot.CUT_OFF);
    assertThat(clock.pendingTimers()).isZero();
  }

  @Test
  void aModelThatSaysNothingGetsTheFallbackOnceTheFirstTokenTimeoutHasPassed() throws Exception {
    llm.mode(FakeLlmServer.Mode.SILENT);
    CompletableFuture<Bot.Result> answer = ask(bot);
    awaitRequest();
    clock.advance(FIRST_TOKEN);
    assertThat(answer).isNotDone();
    clock.advance(LlmBot.CHECK_EVERY);
    assertThat(result(answer).offerHuman()).isTrue();
    assertThat(pieces).containsExactly(LlmBot.FALLBACK);
  }

  @Test
  void anAnswerThatKeepsComingIsCutOffAtTheTotalTimeout() throws Exception {
    Duration total = Duration.ofSeconds(2);
    LlmBot patient = bot(NEVER, NEVER, total);
    try {
      llm.mode(FakeLlmServer.Mode.STALL);
      CompletableFuture<Bot.Result> answer = ask(patient);
      awaitPieces(3);
      clock.advance(total);
      assertThat(answer).isNotDone();
      clock.advance(LlmBot.CHECK_EVERY);
      assertThat(result(answer).offerHuman()).isTrue();
      assertThat(pieces).hasSize(4).endsWith(LlmBot.CUT_OFF);
    } finally {
      patient.close();
    }
  }

  @Test
  void aStoppedAnswerEndsAtTheNextCheckWithoutAFallback() throws Exception {
    llm.mode(FakeLlmServer.Mode.STALL);
    CompletableFuture<Bot.Result> answer = ask(bot);
    awaitPieces(3);
    stopped = true;
    clock.advance(LlmBot.CHECK_EVERY);
    assertThat(result(answer).offerHuman()).isFalse();
    assertThat(pieces).hasSize(3).doesNotContain(LlmBot.CUT_OFF, LlmBot.FALLBACK);
  }

  @Test
  void theServersConstructorWatchesOnTheSystemClock() throws Exception {
    LlmBot real =
        new LlmBot(
            new LlmBot.Config(
                llm.baseUrl(), "m", null, FIRST_TOKEN, Duration.ofSeconds(1), NEVER, 2),
            KnowledgeBaseTest.DEMO);
    try {
      llm.mode(FakeLlmServer.Mode.STALL);
      // Only the stall watchdog can end this answer before the test's time-out. A second, not
      // less: the three words before the stall must not look like one to a loaded machine.
      assertThat(result(ask(real)).offerHuman()).isTrue();
      assertThat(pieces).hasSize(4).endsWith(LlmBot.CUT_OFF);
    } finally {
      real.close();
    }
  }

  @Test
  void anErrorMidStreamEndsWithAPoliteNoteAndAnOfferOfAHuman() throws Exception {
    llm.mode(FakeLlmServer.Mode.ERROR_MID_STREAM);
    Bot.Result r = bot.answer(question(ASKED), sink);
    assertThat(r.offerHuman()).isTrue();
    assertThat(pieces).hasSize(4).endsWith(LlmBot.CUT_OFF);
  }

  @Test
  void aCutConnectionAndAnHttpErrorGetTheFallback() throws Exception {
    llm.mode(FakeLlmServer.Mode.CUT);
    assertThat(bot.answer(question(ASKED), sink).offerHuman()).isTrue();
    assertThat(pieces).endsWith(LlmBot.CUT_OFF);
    pieces.clear();
    llm.mode(FakeLlmServer.Mode.HTTP_500);
    assertThat(bot.answer(question(ASKED), sink).offerHuman()).isTrue();
    assertThat(pieces).containsExactly(LlmBot.FALLBACK);
  }

  @Test
  void anUnreachableEndpointGetsTheFallback() throws Exception {
    LlmBot dead =
        new LlmBot(
            new LlmBot.Config(
                "http://127.0.0.1:1/v1",
                "m",
                null,
                Duration.ofSeconds(1),
                STALL,
                Duration.ofSeconds(5),
                1),
            KnowledgeBaseTest.DEMO,
            clock);
    assertThat(dead.answer(question(ASKED), sink).offerHuman()).isTrue();
    assertThat(pieces).containsExactly(LlmBot.FALLBACK);
    dead.close();
  }
}
