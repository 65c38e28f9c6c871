package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.bots.FakeLlmServer;
import dev.parley.bots.LlmBot;
import dev.parley.client.Backoff;
import dev.parley.client.ParleyClient;
import dev.parley.protocol.Push;
import dev.parley.protocol.chat.ChatEvent;
import dev.parley.testkit.RecordingListener;
import dev.parley.testkit.RecordingListener.StateChange;
import dev.parley.testkit.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The demo site with the LLM bot, against a stand-in that speaks the real streaming format. */
@Timeout(60)
class LlmFlowTest {
  /**
   * The stall watchdog: a model silent this long is cut off. Far above the gaps of a healthy stream
   * on a loaded machine (at 800 ms a pause of the fake model's threads could cut an answer short),
   * and what the stalling test waits once.
   */
  static final Duration STALL = Duration.ofSeconds(3);

  /**
   * The whole answer's time-out, out of reach during a test: an answer cut off here was cut off by
   * the stall (or first-token) watchdog.
   */
  static final Duration TOTAL = Duration.ofMinutes(10);

  @TempDir Path dir;
  FakeLlmServer llm;
  TestServer server;
  ParleyClient visitor;
  final RecordingListener rec = new RecordingListener();

  @BeforeEach
  void start() throws Exception {
    llm = new FakeLlmServer();
    server =
        TestServer.start(
            dir,
            b ->
                b.bot("llm")
                    .llm(
                        new LlmBot.Config(
                            llm.baseUrl(), "m", null, Duration.ofSeconds(10), STALL, TOTAL, 2)));
    visitor =
        ParleyClient.builder(server.wsUri())
            .site("demo")
            .listener(rec)
            .backoff(new Backoff(Duration.ofMillis(20), Duration.ofMillis(200)))
            .build();
    visitor.connect().get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() {
    visitor.close();
    server.close();
    llm.close();
  }

  /** The next message of {@code conv} with {@code seq}, skipping other callbacks. */
  Push.Message message(String conv, long seq) {
    return rec.nextOf(Push.Message.class, m -> m.conv().equals(conv) && m.seq() == seq);
  }

  @Test
  void anLlmAnswerInterruptedByADroppedConnectionEndsCompleteAndOnce() throws Exception {
    String text =
        "When the connection drops the client reconnects by itself, resumes from "
            + "its last sequence number, and sends again whatever was not acknowledged, so nothing is lost.";
    String conv = ChatFlowTest.conversationOf(rec);
    ChatFlowTest.greetingShown(rec, conv); // the greeting is stored with the first message
    // The model writes a word when the test lets it: three before the drop, the rest once the
    // visitor is back, so the drop is surely mid-answer (at a fixed pace a slow reconnect could
    // come after the end, and then no end event reaches the visitor).
    llm.mode(FakeLlmServer.Mode.STEP).answer(text);
    int words = text.split("(?<= )").length;
    for (int i = 0; i < 3; i++) {
      llm.step();
    }
    visitor.send(conv, "What happens when the connection drops?").get(10, TimeUnit.SECONDS);
    for (int i = 0; i < 3; i++) {
      rec.nextOf(
          ChatEvent.Answer.class,
          a -> a.phase().equals("delta") && !a.id().equals(ChatFlowTest.greetingId(conv)));
    }
    visitor.dropConnection();
    rec.nextOf(StateChange.class, c -> c.to() == ParleyClient.State.CONNECTED);
    for (int i = 3; i < words; i++) {
      llm.step();
    }
    Push.Message answer = message(conv, 3);
    assertThat(answer.text()).endsWith("so nothing is lost.");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                ChatFlowTest.answerEvents(rec, answer.id()).stream()
                    .anyMatch(a -> a.phase().equals("end")));
    List<ChatEvent.Answer> events = ChatFlowTest.answerEvents(rec, answer.id());
    assertThat(ChatFlowTest.assemble(events)).isEqualTo(answer.text());
    assertThat(rec.connections()).isEqualTo(2);
    assertThat(rec.messages(conv)).extracting(Push.Message::seq).containsExactly(1L, 2L, 3L);
  }

  @Test
  void aStallingModelIsCutOffByTheStallWatchdogAndTheConversationGoesOn() throws Exception {
    llm.mode(FakeLlmServer.Mode.STALL);
    String conv = ChatFlowTest.conversationOf(rec);
    ChatFlowTest.greetingShown(rec, conv); // the greeting is stored with the first message
    visitor.send(conv, "Tell me about Parley").get(10, TimeUnit.SECONDS);
    // Tokens came, then none: with TOTAL out of reach, only the stall watchdog ends this answer.
    Push.Message cut = message(conv, 3);
    assertThat(cut.kind()).isEqualTo("bot");
    assertThat(cut.text()).endsWith(LlmBot.CUT_OFF);

    // The conversation goes on: the next question gets an answer.
    llm.mode(FakeLlmServer.Mode.NORMAL);
    visitor.send(conv, "Does Parley lose messages?").get(10, TimeUnit.SECONDS);
    assertThat(message(conv, 5).text()).endsWith("when it is stored.");

    // An error mid-stream: a polite note after what was said, and again the conversation goes on.
    llm.mode(FakeLlmServer.Mode.ERROR_MID_STREAM);
    visitor.send(conv, "And now?").get(10, TimeUnit.SECONDS);
    assertThat(message(conv, 7).text()).endsWith(LlmBot.CUT_OFF);
    llm.mode(FakeLlmServer.Mode.NORMAL);
    visitor.send(conv, "One more?").get(10, TimeUnit.SECONDS);
    assertThat(message(conv, 9).text()).endsWith("when it is stored.");
    assertThat(rec.events())
        .noneMatch(e -> e instanceof ChatEvent.Conversation c && c.status().equals("queued"));
  }

  @Test
  void twoFailedAnswersInARowHandTheVisitorToTheQueue() throws Exception {
    llm.mode(FakeLlmServer.Mode.HTTP_500);
    String conv = ChatFlowTest.conversationOf(rec);
    ChatFlowTest.greetingShown(rec, conv); // the greeting is stored with the first message
    visitor.send(conv, "first").get(10, TimeUnit.SECONDS);
    assertThat(message(conv, 3).text()).endsWith(LlmBot.FALLBACK);
    visitor.send(conv, "second").get(10, TimeUnit.SECONDS);
    HandoffTest.awaitStatus(rec, conv, "queued");
    rec.nextOf(
        Push.Message.class,
        m ->
            m.conv().equals(conv)
                && m.kind().equals("system")
                && m.text().startsWith("The bot could not help twice in a row."));
  }
}
