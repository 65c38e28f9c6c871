package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.bots.KnowledgeBaseBot;
import dev.parley.chat.ChatConversation;
import dev.parley.chat.Site;
import dev.parley.client.Backoff;
import dev.parley.client.ParleyClient;
import dev.parley.protocol.Codec;
import dev.parley.protocol.Push;
import dev.parley.protocol.chat.ChatEvent;
import dev.parley.protocol.chat.ChatProtocol;
import dev.parley.testkit.RawWebSocket;
import dev.parley.testkit.RecordingListener;
import dev.parley.testkit.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A visitor of the demo site, its greeting and its bot, over the real server and SDK. */
@Timeout(60)
class ChatFlowTest {
  @TempDir Path dir;
  TestServer server;
  ParleyClient visitor;
  final RecordingListener rec = new RecordingListener();

  void start(Duration pacing) {
    server = TestServer.start(dir, b -> b.botPacing(pacing));
  }

  ParleyClient visitor(RecordingListener listener, String token) {
    return ParleyClient.builder(server.wsUri())
        .site("demo")
        .token(token)
        .listener(listener)
        .backoff(new Backoff(Duration.ofMillis(20), Duration.ofMillis(200)))
        .build();
  }

  @AfterEach
  void stop() {
    if (visitor != null) {
      visitor.close();
    }
    server.close();
  }

  static String conversationOf(RecordingListener r) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> r.events().stream().anyMatch(e -> e instanceof ChatEvent.Conversation));
    return r.events().stream()
        .filter(e -> e instanceof ChatEvent.Conversation)
        .map(e -> ((ChatEvent.Conversation) e).conv())
        .findFirst()
        .orElseThrow();
  }

  /**
   * The id the greeting of {@code conv} is shown and stored with: {@code m_hi_} and the
   * conversation's own part (docs/ARCHITECTURE.md). Matched whole: a bot answer's id is {@code m_}
   * and random base64url, which can itself begin with {@code hi_}.
   */
  static String greetingId(String conv) {
    return "m_hi_" + conv.substring(ChatConversation.ID_PREFIX.length());
  }

  /**
   * Waits until the greeting of {@code conv} was shown (an answer keyed by the id the greeting is
   * stored with when the visitor's first message creates the conversation) and returns its text.
   */
  static String greetingShown(RecordingListener r, String conv) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                r.events().stream()
                    .anyMatch(
                        e ->
                            e instanceof ChatEvent.Answer a
                                && a.id().equals(greetingId(conv))
                                && a.phase().equals("end")));
    return assemble(
        r.events().stream()
            .filter(e -> e instanceof ChatEvent.Answer a && a.id().equals(greetingId(conv)))
            .map(e -> (ChatEvent.Answer) e)
            .toList());
  }

  static List<ChatEvent.Answer> answerEvents(RecordingListener r, String id) {
    return r.events().stream()
        .filter(e -> e instanceof ChatEvent.Answer a && a.id().equals(id))
        .map(e -> (ChatEvent.Answer) e)
        .toList();
  }

  /** Assembles an answer the way docs/PROTOCOL.md#answer says a client must: by offset, once. */
  static String assemble(List<ChatEvent.Answer> events) {
    StringBuilder text = new StringBuilder();
    for (ChatEvent.Answer a : events) {
      if (!a.phase().equals("delta")) {
        continue;
      }
      int offset = a.offset();
      assertThat(offset).as("no gap before a delta").isLessThanOrEqualTo(text.length());
      int skip = text.length() - offset;
      if (a.text().length() > skip) {
        text.append(a.text().substring(skip));
      }
    }
    return text.toString();
  }

  Push.Message botMessage(String conv, int index) {
    await().atMost(Duration.ofSeconds(20)).until(() -> rec.messages(conv).size() > index);
    return rec.messages(conv).get(index);
  }

  @Test
  void aVisitorIsGreetedThenGetsAStreamedKnowledgeBaseAnswer() throws Exception {
    start(Duration.ofMillis(5));
    visitor = visitor(rec, null);
    visitor.connect().get(10, TimeUnit.SECONDS);
    String conv = conversationOf(rec);
    assertThat(greetingShown(rec, conv)).isEqualTo(Site.demo().greeting());
    assertThat(server.server().store().lastSeq(conv)).as("a hello alone stores nothing").isZero();

    assertThat(
            visitor.send(conv, "How do I install and run Parley?").get(10, TimeUnit.SECONDS).seq())
        .isEqualTo(2);
    Push.Message greeting = botMessage(conv, 0);
    assertThat(greeting.seq()).isEqualTo(1);
    assertThat(greeting.kind()).isEqualTo("bot");
    assertThat(greeting.text()).isEqualTo(Site.demo().greeting());
    Push.Message answer = botMessage(conv, 2);
    assertThat(answer.kind()).isEqualTo("bot");
    assertThat(answer.from()).isEqualTo("bot");
    assertThat(answer.status()).isNull();
    assertThat(answer.text()).contains("./parley run");

    List<ChatEvent.Answer> events = answerEvents(rec, answer.id());
    assertThat(events.get(0).phase()).isEqualTo("start");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> answerEvents(rec, answer.id()).stream().anyMatch(a -> a.phase().equals("end")));
    events = answerEvents(rec, answer.id());
    ChatEvent.Answer end = events.get(events.size() - 1);
    assertThat(end.phase()).isEqualTo("end");
    assertThat(end.status()).isEqualTo("complete");
    assertThat(events.stream().filter(a -> a.phase().equals("delta")).count()).isGreaterThan(5);
    assertThat(assemble(events)).isEqualTo(answer.text());
    // The bot was typing before it spoke.
    int typing =
        indexOf(rec.events(), e -> e instanceof Push.Typing t && t.user().equals("bot") && t.on());
    int started =
        indexOf(
            rec.events(),
            e ->
                e instanceof ChatEvent.Answer a
                    && a.id().equals(answer.id())
                    && a.phase().equals("start"));
    assertThat(typing).isNotNegative().isLessThan(started);
  }

  @Test
  void aQuestionTheKnowledgeBaseCannotAnswerGetsAnOfferOfAHuman() throws Exception {
    start(Duration.ZERO);
    visitor = visitor(rec, null);
    visitor.connect().get(10, TimeUnit.SECONDS);
    String conv = conversationOf(rec);
    greetingShown(rec, conv);
    visitor.send(conv, "What is the best pizza recipe?").get(10, TimeUnit.SECONDS);
    assertThat(botMessage(conv, 2).text()).isEqualTo(KnowledgeBaseBot.NOT_SURE);
  }

  @Test
  void aVisitorWhoReconnectsMidAnswerGetsTheTextSoFarThenTheRestOnce() throws Exception {
    // The answer streams for about 4 s (some 30 chunks): the drop and the reconnect come well
    // before its end even on a loaded machine (at 40 ms a chunk, 1 s left, a slow reconnect could
    // come after the end, with no snapshot to show).
    start(Duration.ofMillis(150));
    visitor = visitor(rec, null);
    visitor.connect().get(10, TimeUnit.SECONDS);
    String conv = conversationOf(rec);
    greetingShown(rec, conv);
    visitor.send(conv, "Does Parley lose messages?").get(10, TimeUnit.SECONDS);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                rec.events().stream()
                        .filter(e -> e instanceof ChatEvent.Answer a && a.phase().equals("delta"))
                        .count()
                    >= 3);
    visitor.dropConnection();
    Push.Message answer = botMessage(conv, 2);
    assertThat(rec.connections()).isEqualTo(2);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> answerEvents(rec, answer.id()).stream().anyMatch(a -> a.phase().equals("end")));
    List<ChatEvent.Answer> events = answerEvents(rec, answer.id());
    assertThat(assemble(events)).isEqualTo(answer.text());
    // After the reconnect the first delta was the snapshot: the whole text so far, at offset 0.
    assertThat(events.stream().filter(a -> a.phase().equals("delta") && a.offset() == 0).count())
        .isEqualTo(2);
    assertThat(rec.messages(conv)).extracting(Push.Message::seq).containsExactly(1L, 2L, 3L);
  }

  @Test
  void aVisitorStopsAStreamingAnswerAndThePartialTextIsStoredAsStopped() throws Exception {
    // The answer would stream for about 4 s: the stop comes well before its end even on a loaded
    // machine (at 60 ms a chunk it had 1.2 s). Stopped at once, it costs no more time.
    start(Duration.ofMillis(200));
    visitor = visitor(rec, null);
    visitor.connect().get(10, TimeUnit.SECONDS);
    String conv = conversationOf(rec);
    greetingShown(rec, conv);
    visitor.send(conv, "How does Parley scale to many servers?").get(10, TimeUnit.SECONDS);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                rec.events().stream()
                    .anyMatch(e -> e instanceof ChatEvent.Answer a && a.phase().equals("delta")));
    String id =
        rec.events().stream()
            .filter(e -> e instanceof ChatEvent.Answer a && !a.id().equals(greetingId(conv)))
            .map(e -> ((ChatEvent.Answer) e).id())
            .findFirst()
            .orElseThrow(); // the bot's answer, not the greeting
    visitor.stop(conv, id);
    Push.Message stopped = botMessage(conv, 2);
    assertThat(stopped.id()).isEqualTo(id);
    assertThat(stopped.status()).isEqualTo("stopped");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> answerEvents(rec, id).stream().anyMatch(a -> a.phase().equals("end")));
    List<ChatEvent.Answer> events = answerEvents(rec, id);
    ChatEvent.Answer end = events.get(events.size() - 1);
    assertThat(end.phase()).as("nothing after the end").isEqualTo("end");
    assertThat(end.status()).isEqualTo("stopped");
    assertThat(assemble(events)).isEqualTo(stopped.text());
    assertThat(stopped.text().length()).isLessThan(300);
    // No later chunk reaches anyone: the stored text stays what was said at the stop.
    assertThat(server.server().store().readAfter(conv, 2, 10)).hasSize(1);
  }

  @Test
  void aReturningVisitorKeepsItsConversationAndIsGreetedOnce() throws Exception {
    start(Duration.ZERO);
    visitor = visitor(rec, null);
    visitor.connect().get(10, TimeUnit.SECONDS);
    String conv = conversationOf(rec);
    greetingShown(rec, conv);
    visitor.send(conv, "hello").get(10, TimeUnit.SECONDS);
    botMessage(conv, 2);
    String token = visitor.token();
    visitor.close();

    RecordingListener again = new RecordingListener();
    visitor = visitor(again, token);
    visitor.connect().get(10, TimeUnit.SECONDS);
    assertThat(conversationOf(again)).isEqualTo(conv);
    await().atMost(Duration.ofSeconds(10)).until(() -> again.messages(conv).size() == 3);
    assertThat(
            again.messages(conv).stream()
                .filter(m -> m.text().equals(Site.demo().greeting()))
                .count())
        .isEqualTo(1);
    assertThat(server.server().store().lastSeq(conv)).as("nothing stored again").isEqualTo(3);
  }

  @Test
  void anotherVisitorCannotReadJoinOrWriteTheConversation() throws Exception {
    start(Duration.ZERO);
    visitor = visitor(rec, null);
    visitor.connect().get(10, TimeUnit.SECONDS);
    String conv = conversationOf(rec);
    greetingShown(rec, conv);
    visitor
        .send(conv, "my order number is 42")
        .get(10, TimeUnit.SECONDS); // a stored conversation to protect
    botMessage(conv, 2);
    long stored = server.server().store().lastSeq(conv);
    Codec codec = ChatProtocol.codec();
    try (RawWebSocket intruder = RawWebSocket.connect(server.port())) {
      intruder.sendText("{\"type\":\"hello\",\"site\":\"demo\"}");
      assertThat(codec.decodePush(intruder.readText())).isInstanceOf(Push.Welcome.class);
      intruder.sendText("{\"type\":\"join\",\"ref\":\"j\",\"conv\":\"" + conv + "\",\"after\":0}");
      intruder.sendText(
          "{\"type\":\"send\",\"cid\":\"x\",\"conv\":\"" + conv + "\",\"text\":\"hi\"}");
      intruder.sendText("{\"type\":\"history\",\"ref\":\"h\",\"conv\":\"" + conv + "\"}");
      intruder.sendText("{\"type\":\"ping\",\"ref\":\"end\"}");
      List<String> codes = new ArrayList<>();
      for (Push p = codec.decodePush(intruder.readText());
          !(p instanceof Push.Pong);
          p = codec.decodePush(intruder.readText())) {
        if (p instanceof Push.Error e) {
          codes.add(e.code());
        }
        if (p instanceof Push.Message m) {
          assertThat(m.conv()).as("no message of the other conversation").isNotEqualTo(conv);
        }
      }
      assertThat(codes).containsExactly("forbidden", "not_joined", "not_joined");
    }
    assertThat(server.server().store().lastSeq(conv))
        .as("the intruder stored nothing")
        .isEqualTo(stored);
  }

  static int indexOf(List<Push> events, Predicate<Push> p) {
    for (int i = 0; i < events.size(); i++) {
      if (p.test(events.get(i))) {
        return i;
      }
    }
    return -1;
  }
}
