package dev.parley.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.protocol.MessageMeta;
import dev.parley.protocol.Push;
import dev.parley.protocol.chat.ChatEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A visitor's way through the chat layer, in the harness: greeting, bot answers, handoff,
 * reopening.
 */
@Timeout(30)
class VisitorFlowTest {
  final ChatHarness h = ChatHarness.standard();

  @AfterEach
  void close() {
    h.close();
  }

  /**
   * The conversation a new visitor is given: not created yet, joined, with the greeting shown as an
   * answer (start, the text, end) in its snapshot.
   */
  static String greeted(ChatHarness.Client v) throws InterruptedException {
    ChatEvent.Conversation c = v.next(ChatEvent.Conversation.class);
    assertThat(c.status()).isEqualTo("bot");
    Push.Joined joined = v.next(Push.Joined.class);
    assertThat(joined.conv()).isEqualTo(c.conv());
    assertThat(joined.lastSeq()).isZero();
    ChatEvent.Answer start = v.next(ChatEvent.Answer.class);
    assertThat(start.phase()).isEqualTo("start");
    ChatEvent.Answer text = v.next(ChatEvent.Answer.class);
    assertThat(text.text()).isEqualTo(ChatHarness.GREETING);
    assertThat(text.offset()).isZero();
    assertThat(v.next(ChatEvent.Answer.class).phase()).isEqualTo("end");
    return c.conv();
  }

  /**
   * Every frame until the frames so far satisfy {@code done} (events are not ordered against
   * messages).
   */
  static List<Push> collect(ChatHarness.Client v, Predicate<List<Push>> done)
      throws InterruptedException {
    List<Push> out = new ArrayList<>();
    while (!done.test(out)) {
      out.add(v.next());
    }
    return out;
  }

  static boolean hasMessage(List<Push> frames, long seq) {
    return frames.stream().anyMatch(p -> p instanceof Push.Message m && m.seq() == seq);
  }

  static boolean hasStatus(List<Push> frames, String status) {
    return frames.stream()
        .anyMatch(p -> p instanceof ChatEvent.Conversation c && c.status().equals(status));
  }

  static Push.Message message(List<Push> frames, long seq) {
    return frames.stream()
        .filter(p -> p instanceof Push.Message m && m.seq() == seq)
        .map(Push.Message.class::cast)
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aVisitorIsGreetedAndItsQuestionGetsAStreamedAnswerStoredWithTheStreamsId() throws Exception {
    h.bot.says("Run ", "./parley run.");
    ChatHarness.Client v = h.visitor();
    String conv = greeted(v);

    v.send(
        "{\"type\":\"send\",\"cid\":\"c1\",\"conv\":\""
            + conv
            + "\",\"text\":\"How do I start?\"}");
    List<Push> frames =
        collect(
            v,
            f ->
                hasMessage(f, 3)
                    && f.stream()
                        .anyMatch(p -> p instanceof ChatEvent.Answer a && a.phase().equals("end")));
    List<Push.Message> messages =
        frames.stream()
            .filter(Push.Message.class::isInstance)
            .map(Push.Message.class::cast)
            .toList();
    assertThat(messages).extracting(Push.Message::seq).containsExactly(1L, 2L, 3L);
    assertThat(frames)
        .filteredOn(Push.Ack.class::isInstance)
        .extracting(p -> ((Push.Ack) p).seq())
        .containsExactly(2L);
    List<ChatEvent.Answer> answer =
        frames.stream()
            .filter(ChatEvent.Answer.class::isInstance)
            .map(ChatEvent.Answer.class::cast)
            .toList();
    assertThat(answer)
        .extracting(ChatEvent.Answer::phase)
        .containsExactly("start", "delta", "delta", "end");
    assertThat(answer.get(1).text() + answer.get(2).text()).isEqualTo("Run ./parley run.");
    assertThat(answer.get(2).offset()).isEqualTo(4);
    assertThat(answer.get(3).status()).isEqualTo("complete");
    Push.Message stored = messages.get(2);
    assertThat(stored.id()).isEqualTo(answer.get(0).id());
    assertThat(stored.kind()).isEqualTo("bot");
    assertThat(stored.text()).isEqualTo("Run ./parley run.");
  }

  @Test
  void aHelloAloneCreatesNoConversationAndReconnectingNamesTheSameOne() throws Exception {
    ChatHarness.Client crawler = h.visitor();
    String conv = greeted(crawler);
    crawler.assertNothingMore();
    assertThat(h.chatStore.find(conv).join()).as("a crawler leaves no conversation").isEmpty();
    assertThat(h.store.lastSeq(conv)).isZero();

    ChatHarness.Client again = h.connect(Map.of());
    again.send(
        "{\"type\":\"hello\",\"site\":\"demo\",\"token\":\""
            + crawler.token()
            + "\",\"resume\":{\""
            + conv
            + "\":0}}");
    again.next(Push.Welcome.class);
    List<Push> frames =
        collect(
            again,
            f ->
                f.stream().anyMatch(ChatEvent.Conversation.class::isInstance)
                    && f.stream()
                        .anyMatch(p -> p instanceof ChatEvent.Answer a && a.phase().equals("end")));
    assertThat(frames)
        .filteredOn(Push.Joined.class::isInstance)
        .extracting(p -> ((Push.Joined) p).conv())
        .as("its next conversation may be resumed")
        .contains(conv);
    assertThat(frames)
        .filteredOn(ChatEvent.Conversation.class::isInstance)
        .extracting(p -> ((ChatEvent.Conversation) p).conv())
        .as("and is named alike")
        .containsExactly(conv);
    assertThat(h.chatStore.find(conv).join()).isEmpty();
  }

  @Test
  void theFirstMessageCreatesTheConversationWithTheGreetingStoredFirst() throws Exception {
    ChatHarness.Client v = h.visitor();
    String conv = greeted(v);
    v.send("{\"type\":\"send\",\"cid\":\"c1\",\"conv\":\"" + conv + "\",\"text\":\"hello there\"}");
    List<Push> frames = collect(v, f -> hasMessage(f, 2));
    assertThat(message(frames, 1).text()).isEqualTo(ChatHarness.GREETING);
    assertThat(message(frames, 1).id()).isEqualTo(ConversationOpener.greetingId(conv));
    assertThat(message(frames, 2).cid()).isEqualTo("c1");
    ChatConversation c = h.chatStore.find(conv).join().orElseThrow();
    assertThat(c.status()).isEqualTo(ConversationStatus.BOT);
    assertThat(c.visitor()).isEqualTo(v.session().principal().user());
  }

  @Test
  void askingForAPersonFirstCreatesTheConversationAndQueuesIt() throws Exception {
    ChatHarness.Client v = h.visitor();
    String conv = greeted(v);
    v.send("{\"type\":\"handoff\",\"conv\":\"" + conv + "\"}");
    List<Push> frames = collect(v, f -> hasMessage(f, 2) && hasStatus(f, "queued"));
    assertThat(message(frames, 1).text()).isEqualTo(ChatHarness.GREETING);
    assertThat(message(frames, 2).text()).contains("You asked for a person");
    assertThat(h.chatStore.find(conv).join().orElseThrow().status())
        .isEqualTo(ConversationStatus.QUEUED);
  }

  @Test
  void askingForAPersonOnASiteNoLongerServedIsAnsweredWithTheSite() throws Exception {
    ChatHarness.Client v = h.visitor();
    String conv = greeted(v);
    v.send("{\"type\":\"send\",\"cid\":\"c1\",\"conv\":\"" + conv + "\",\"text\":\"hi\"}");
    v.nextOf(Push.Ack.class);
    h.directory.replace(Map.of(), h.directory.agents(), h.directory.version() + 1); // disabled
    v.send("{\"type\":\"handoff\",\"ref\":\"h1\",\"conv\":\"" + conv + "\"}");
    Push.Error e = v.nextOf(Push.Error.class);
    assertThat(e.code()).isEqualTo("invalid_field");
    assertThat(e.field()).isEqualTo("site");
    assertThat(e.ref()).isEqualTo("h1");
    assertThat(h.chatStore.find(conv).join().orElseThrow().status())
        .isEqualTo(ConversationStatus.BOT);
  }

  @Test
  void idsThatAreNotTheVisitorsAreRefusedWithoutSpendingItsAddresssNewConversations()
      throws Exception {
    ChatHarness.Client v = h.visitor();
    String conv = greeted(v);
    for (int i = 0; i < 12; i++) { // more than the address's burst of new conversations
      String notHers = "chat_" + "A".repeat(20) + String.format("%02d", i);
      v.send("{\"type\":\"handoff\",\"ref\":\"h" + i + "\",\"conv\":\"" + notHers + "\"}");
      assertThat(v.nextOf(Push.Error.class).code()).isEqualTo("forbidden");
    }
    v.send("{\"type\":\"send\",\"cid\":\"c1\",\"conv\":\"" + conv + "\",\"text\":\"hi\"}");
    assertThat(v.nextOf(Push.Ack.class).cid())
        .as("her own first message still makes her conversation")
        .isEqualTo("c1");
  }

  @Test
  void noOneCanWriteIntoAnotherVisitorsNextConversation() throws Exception {
    ChatHarness.Client v = h.visitor();
    String conv = greeted(v);
    ChatHarness.Client other = h.visitor();
    greeted(other);
    other.send("{\"type\":\"join\",\"conv\":\"" + conv + "\"}");
    assertThat(other.next(Push.Error.class).code()).isEqualTo("forbidden");
    assertThat(h.chatStore.find(conv).join()).isEmpty();
  }

  @Test
  void askingForAPersonInWordsQueuesTheConversationWithoutABotAnswer() throws Exception {
    ChatHarness.Client v = h.visitor();
    String conv = greeted(v);
    v.send(
        "{\"type\":\"send\",\"cid\":\"c1\",\"conv\":\""
            + conv
            + "\",\"text\":\"Can I talk to a human please?\"}");
    List<Push> frames = collect(v, f -> hasStatus(f, "queued") && hasMessage(f, 3));
    assertThat(message(frames, 1).id()).isEqualTo(ConversationOpener.greetingId(conv));
    assertThat(message(frames, 3).kind()).isEqualTo("system");
    assertThat(message(frames, 3).text()).contains("You asked for a person");
    assertThat(frames).noneMatch(p -> p instanceof ChatEvent.Answer);
    assertThat(h.chatStore.find(conv).join().orElseThrow().status())
        .isEqualTo(ConversationStatus.QUEUED);
  }

  @Test
  void twoUnsureAnswersInARowHandTheVisitorToThePeople() throws Exception {
    h.bot.unsure("Not sure.").unsure("Still not sure.");
    ChatHarness.Client v = h.visitor();
    String conv = greeted(v);
    v.send("{\"type\":\"send\",\"cid\":\"c1\",\"conv\":\"" + conv + "\",\"text\":\"first\"}");
    List<Push> first = collect(v, f -> hasMessage(f, 3));
    assertThat(message(first, 3).text()).isEqualTo("Not sure.");
    v.send("{\"type\":\"send\",\"cid\":\"c2\",\"conv\":\"" + conv + "\",\"text\":\"second\"}");
    List<Push> second = collect(v, f -> hasMessage(f, 6) && hasStatus(f, "queued"));
    assertThat(message(second, 5).text()).isEqualTo("Still not sure.");
    assertThat(message(second, 6).text()).contains("could not help twice");
  }

  @Test
  void anAnswersSourcesAreStoredWithItAndComeWithItsMessageLiveAndOnResume() throws Exception {
    MessageMeta sources =
        new MessageMeta(
            List.of(
                new MessageMeta.Source("Install guide", "https://docs.example.com/install", null),
                new MessageMeta.Source("handbook.pdf", null, null)));
    h.bot.cites(sources, "Run ", "./parley run.");
    ChatHarness.Client v = h.visitor();
    String conv = greeted(v);
    v.send("{\"type\":\"send\",\"cid\":\"c1\",\"conv\":\"" + conv + "\",\"text\":\"How?\"}");
    List<Push> frames = collect(v, f -> hasMessage(f, 3));
    assertThat(message(frames, 3).meta()).isEqualTo(sources);
    assertThat(message(frames, 2).meta()).as("the visitor's message carries none").isNull();
    assertThat(h.store.readAfter(conv, 2, 1).get(0).meta()).isEqualTo(sources);

    ChatHarness.Client again = h.connect(Map.of());
    again.send(
        "{\"type\":\"hello\",\"token\":\"" + v.token() + "\",\"resume\":{\"" + conv + "\":2}}");
    List<Push> replayed = collect(again, f -> hasMessage(f, 3));
    assertThat(message(replayed, 3).meta()).isEqualTo(sources);
  }

  @Test
  void aStoppedAnswerKeepsTheSourcesItHadCited() throws Exception {
    MessageMeta sources =
        new MessageMeta(List.of(new MessageMeta.Source("FAQ", "https://x.example/faq", null)));
    h.bot.holdsAfterFirst("Half ", "and the rest.").lastCites(sources);
    ChatHarness.Client v = h.visitor();
    String conv = greeted(v);
    v.send("{\"type\":\"send\",\"cid\":\"c1\",\"conv\":\"" + conv + "\",\"text\":\"tell me\"}");
    ChatEvent.Answer start = v.nextOf(ChatEvent.Answer.class);
    v.nextOf(ChatEvent.Answer.class);
    v.send("{\"type\":\"stop\",\"conv\":\"" + conv + "\",\"answer\":\"" + start.id() + "\"}");
    Push.Message kept = message(collect(v, f -> hasMessage(f, 3)), 3);
    assertThat(kept.status()).isEqualTo("stopped");
    assertThat(kept.meta()).isEqualTo(sources);
    h.bot.release();
  }

  /** A visitor, its conversation, and the start of the bot's answer held after its first piece. */
  record UnderWay(ChatHarness.Client v, String conv, ChatEvent.Answer start) {}

  /** A visitor asked; the bot's answer said "Half " and is held there. */
  UnderWay answerUnderWay() throws Exception {
    h.bot.holdsAfterFirst("Half ", "and the rest.");
    ChatHarness.Client v = h.visitor();
    String conv = greeted(v);
    v.send("{\"type\":\"send\",\"cid\":\"c1\",\"conv\":\"" + conv + "\",\"text\":\"tell me\"}");
    ChatEvent.Answer start = v.nextOf(ChatEvent.Answer.class);
    assertThat(v.nextOf(ChatEvent.Answer.class).text()).isEqualTo("Half ");
    return new UnderWay(v, conv, start);
  }

  @Test
  void anAgentWhoResolvesABotConversationMidAnswerInterruptsTheAnswer() throws Exception {
    UnderWay u = answerUnderWay();
    ChatHarness.Client v = u.v();
    String conv = u.conv();
    ChatEvent.Answer start = u.start();
    assertThat(h.chat.desk().resolve(AwayMailTest.MAYA, conv).get().ok()).isTrue();
    List<Push> frames =
        collect(
            v,
            f ->
                f.stream()
                    .anyMatch(p -> p instanceof ChatEvent.Answer a && "end".equals(a.phase())));
    assertThat(frames)
        .filteredOn(p -> p instanceof ChatEvent.Answer a && "end".equals(a.phase()))
        .extracting(p -> ((ChatEvent.Answer) p).id() + " " + ((ChatEvent.Answer) p).status())
        .as("frozen where it was, not streamed on after the conversation was resolved")
        .containsExactly(start.id() + " interrupted");
    h.bot.release();
  }

  @Test
  void theVisitorStopsAStreamingAnswerAndKeepsWhatWasSaidMarkedStopped() throws Exception {
    UnderWay u = answerUnderWay();
    ChatHarness.Client v = u.v();
    String conv = u.conv();
    ChatEvent.Answer start = u.start();
    v.send("{\"type\":\"stop\",\"conv\":\"" + conv + "\",\"answer\":\"" + start.id() + "\"}");
    List<Push> frames =
        collect(
            v,
            f ->
                hasMessage(f, 3)
                    && f.stream()
                        .anyMatch(p -> p instanceof ChatEvent.Answer a && "end".equals(a.phase())));
    Push.Message kept = message(frames, 3);
    assertThat(kept.text()).isEqualTo("Half ");
    assertThat(kept.status()).isEqualTo("stopped");
    assertThat(kept.id()).isEqualTo(start.id());
    assertThat(frames)
        .filteredOn(p -> p instanceof ChatEvent.Answer a && "end".equals(a.phase()))
        .extracting(p -> ((ChatEvent.Answer) p).status())
        .containsExactly("stopped");
    h.bot.release();
    v.assertNothingMore();
  }

  @Test
  void aVisitorWhoReconnectsMidAnswerGetsThePiecesSoFarThenTheRest() throws Exception {
    h.bot.holdsAfterFirst("First piece. ", "Second piece.");
    ChatHarness.Client v = h.visitor();
    String conv = greeted(v);
    v.send("{\"type\":\"send\",\"cid\":\"c1\",\"conv\":\"" + conv + "\",\"text\":\"tell me\"}");
    ChatEvent.Answer start = v.nextOf(ChatEvent.Answer.class);
    v.next(ChatEvent.Answer.class);

    // The same visitor on a new connection: its token alone (no site) resumes its conversation.
    ChatHarness.Client again = h.connect(Map.of());
    again.send(
        "{\"type\":\"hello\",\"token\":\"" + v.token() + "\",\"resume\":{\"" + conv + "\":2}}");
    again.next(Push.Welcome.class);
    assertThat(again.next(Push.Joined.class).conv()).isEqualTo(conv);
    ChatEvent.Answer snapStart = again.nextOf(ChatEvent.Answer.class);
    assertThat(snapStart.phase()).isEqualTo("start");
    assertThat(snapStart.id()).isEqualTo(start.id());
    ChatEvent.Answer snapDelta = again.next(ChatEvent.Answer.class);
    assertThat(snapDelta.text()).isEqualTo("First piece. ");
    assertThat(snapDelta.offset()).isZero();
    h.bot.release();
    ChatEvent.Answer rest = again.next(ChatEvent.Answer.class);
    assertThat(rest.text()).isEqualTo("Second piece.");
    assertThat(rest.offset()).isEqualTo(13);
  }

  @Test
  void aVisitorsTokenAloneJoinsItsOwnConversationButNoOneElses() throws Exception {
    ChatHarness.Client v = h.visitor();
    String conv = greeted(v);
    v.send("{\"type\":\"send\",\"cid\":\"c1\",\"conv\":\"" + conv + "\",\"text\":\"make it\"}");
    v.nextOf(Push.Ack.class);
    ChatHarness.Client same = h.connect(Map.of());
    same.send("{\"type\":\"hello\",\"token\":\"" + v.token() + "\"}");
    same.next(Push.Welcome.class);
    same.send("{\"type\":\"join\",\"conv\":\"" + conv + "\",\"after\":0}");
    assertThat(same.next(Push.Joined.class).conv()).isEqualTo(conv);
    assertThat(same.nextOf(Push.Message.class).seq()).isEqualTo(1);

    ChatHarness.Client stranger = h.connect(Map.of());
    stranger.send("{\"type\":\"hello\",\"resume\":{\"" + conv + "\":0}}");
    stranger.next(Push.Welcome.class);
    Push.Error refused = stranger.next(Push.Error.class);
    assertThat(refused.code()).isEqualTo("forbidden");
    assertThat(refused.conv()).as("a refused resume entry names its conversation").isEqualTo(conv);
    assertThat(refused.message()).contains(conv);
  }

  @Test
  void theSiteInTheHandshakeUrlPlacesTheVisitorLikeTheSiteInHello() throws Exception {
    ChatHarness.Client v = h.connect(Map.of("site", "demo"));
    v.send("{\"type\":\"hello\"}");
    assertThat(v.next(Push.Welcome.class).claim("site")).isEqualTo("demo");
    greeted(v);
  }

  @Test
  void aMessageInAResolvedConversationReopensItWithTheBot() throws Exception {
    ChatHarness.Client v = h.visitor();
    String conv = greeted(v);
    v.send("{\"type\":\"send\",\"cid\":\"c0\",\"conv\":\"" + conv + "\",\"text\":\"hi\"}");
    v.nextOf(Push.Ack.class);
    ChatHarness.Client maya = h.agent("maya");
    maya.nextOf(Push.Joined.class);
    maya.send("{\"type\":\"accept\",\"conv\":\"" + conv + "\"}");
    assertThat(AgentRoutingTest.awaitStatus(v, conv, "assigned")).isNotNull();
    maya.send("{\"type\":\"resolve\",\"conv\":\"" + conv + "\"}");
    assertThat(AgentRoutingTest.awaitStatus(v, conv, "resolved")).isNotNull();
    v.send(
        "{\"type\":\"send\",\"cid\":\"c1\",\"conv\":\"" + conv + "\",\"text\":\"one more thing\"}");
    List<Push> frames =
        collect(
            v,
            f ->
                hasStatus(f, "bot")
                    && f.stream()
                        .anyMatch(
                            p ->
                                p instanceof Push.Message m
                                    && m.text().equals("The conversation was reopened."))
                    && f.stream()
                        .anyMatch(
                            p -> p instanceof ChatEvent.Answer a && "start".equals(a.phase())));
    assertThat(frames).isNotEmpty();
  }
}
