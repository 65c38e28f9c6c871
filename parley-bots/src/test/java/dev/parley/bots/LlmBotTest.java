package dev.parley.bots;

import dev.parley.chat.Bot;
import dev.parley.chat.Site;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.core.StoredMessage;
import dev.parley.protocol.openai.ChatCompletions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The LLM bot against a stand-in that speaks the real streaming format. */
@Timeout(30)
class LlmBotTest {
  static final Duration STALL = Duration.ofMillis(600);
  FakeLlmServer llm;
  LlmBot bot;
  final List<String> pieces = new CopyOnWriteArrayList<>();
  final Bot.AnswerSink sink = new Bot.AnswerSink() {
    @Override
    public boolean delta(String text) {
      return pieces.add(text);
    }

    @Override
    public boolean cancelled() {
      return false;
    }
  };

  @BeforeEach
  void start() throws Exception {
    llm = new FakeLlmServer();
    bot = new LlmBot(new LlmBot.Config(llm.baseUrl(), "test-model", "sk-test", Duration.ofSeconds(2), STALL,
        Duration.ofSeconds(10), 2), KnowledgeBaseTest.DEMO);
  }

  @AfterEach
  void stop() {
    bot.close();
    llm.close();
  }

  Bot.Question question(String text) {
    return new Bot.Question(Site.demo(), "c", text, List.of(
        new StoredMessage("c", 1, "m1", "bot", null, "bot", "Hi! Ask me anything.", 1, null),
        new StoredMessage("c", 2, "m2", "v", "x", "text", "Hello", 2, null),
        new StoredMessage("c", 3, "m3", "system", null, "system", "You're in the queue.", 3, null)));
  }

  @Test
  void tokensStreamAsTheyArriveWithHistoryAndKnowledgeAsContext() throws Exception {
    Bot.Result r = bot.answer(question("What is the heartbeat?"), sink);
    assertThat(r.offerHuman()).isFalse();
    assertThat(String.join("", pieces)).isEqualTo(
        "Parley keeps every message: each gets a sequence number when it is stored.");
    assertThat(pieces.size()).isGreaterThan(5);
    List<ChatCompletions.Message> sent = ChatCompletions.messagesOf(llm.bodies.get(0));
    assertThat(sent.get(0).role()).isEqualTo("system");
    assertThat(sent.get(0).content()).contains("ping every 30 seconds");
    assertThat(sent.subList(1, sent.size())).containsExactly(
        new ChatCompletions.Message("assistant", "Hi! Ask me anything."),
        new ChatCompletions.Message("user", "Hello"),
        new ChatCompletions.Message("user", "What is the heartbeat?"));
    assertThat(new String(llm.bodies.get(0))).contains("\"model\":\"test-model\"").contains("\"stream\":true");
    assertThat(llm.authorizations.get(0)).isEqualTo("Bearer sk-test");
  }

  @Test
  void aSlowStreamThatKeepsComingIsNotCutOff() throws Exception {
    llm.pause(Duration.ofMillis(150));
    Bot.Result r = bot.answer(question("q"), sink);
    assertThat(r.offerHuman()).isFalse();
    assertThat(String.join("", pieces)).endsWith("when it is stored.");
  }

  @Test
  void anErrorMidStreamEndsWithAPoliteNoteAndAnOfferOfAHuman() throws Exception {
    llm.mode(FakeLlmServer.Mode.ERROR_MID_STREAM);
    Bot.Result r = bot.answer(question("q"), sink);
    assertThat(r.offerHuman()).isTrue();
    assertThat(pieces).hasSize(4).endsWith(LlmBot.CUT_OFF);
  }

  @Test
  void aStallGetsTheFallbackWithinTheStallTimeout() throws Exception {
    llm.mode(FakeLlmServer.Mode.STALL);
    long start = System.nanoTime();
    Bot.Result r = bot.answer(question("q"), sink);
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertThat(r.offerHuman()).isTrue();
    assertThat(pieces).endsWith(LlmBot.CUT_OFF);
    assertThat(ms).isLessThan(STALL.toMillis() + 1500);
  }

  @Test
  void aCutConnectionAndAnHttpErrorGetTheFallback() throws Exception {
    llm.mode(FakeLlmServer.Mode.CUT);
    assertThat(bot.answer(question("q"), sink).offerHuman()).isTrue();
    assertThat(pieces).endsWith(LlmBot.CUT_OFF);
    pieces.clear();
    llm.mode(FakeLlmServer.Mode.HTTP_500);
    assertThat(bot.answer(question("q"), sink).offerHuman()).isTrue();
    assertThat(pieces).containsExactly(LlmBot.FALLBACK);
  }

  @Test
  void anUnreachableEndpointGetsTheFallback() throws Exception {
    LlmBot dead = new LlmBot(new LlmBot.Config("http://127.0.0.1:1/v1", "m", null, Duration.ofSeconds(1), STALL,
        Duration.ofSeconds(5), 1), KnowledgeBaseTest.DEMO);
    assertThat(dead.answer(question("q"), sink).offerHuman()).isTrue();
    assertThat(pieces).containsExactly(LlmBot.FALLBACK);
    dead.close();
  }
}
