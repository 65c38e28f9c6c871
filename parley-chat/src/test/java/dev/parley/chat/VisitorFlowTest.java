package dev.parley.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.protocol.Push;
import dev.parley.protocol.chat.ChatEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A visitor's way through the chat layer, in the harness: greeting, bot answers, handoff, reopening. */
@Timeout(30)
class VisitorFlowTest {
  final ChatHarness h = ChatHarness.standard();

  @AfterEach
  void close() {
    h.close();
  }

  /** The conversation a new visitor is given, after its greeting. */
  static String greeted(ChatHarness.Client v) throws InterruptedException {
    ChatEvent.Conversation c = v.next(ChatEvent.Conversation.class);
    assertThat(c.status()).isEqualTo("bot");
    assertThat(v.next(Push.Joined.class).conv()).isEqualTo(c.conv());
    Push.Message greeting = v.next(Push.Message.class);
    assertThat(greeting.seq()).isEqualTo(1);
    assertThat(greeting.text()).isEqualTo(ChatHarness.GREETING);
    return c.conv();
  }

  @Test
  void aVisitorIsGreetedAndItsQuestionGetsAStreamedAnswerStoredWithTheStreamsId() throws Exception {
    h.bot.says("Run ", "./parley run.");
    ChatHarness.Client v = h.visitor();
    String conv = greeted(v);

    v.send("{\"type\":\"send\",\"cid\":\"c1\",\"conv\":\"" + conv + "\",\"text\":\"How do I start?\"}");
    assertThat(v.next(Push.Message.class).seq()).isEqualTo(2);
    assertThat(v.next(Push.Ack.class).seq()).isEqualTo(2);
    ChatEvent.Answer start = v.nextOf(ChatEvent.Answer.class);
    assertThat(start.phase()).isEqualTo("start");
    ChatEvent.Answer d1 = v.next(ChatEvent.Answer.class);
    ChatEvent.Answer d2 = v.next(ChatEvent.Answer.class);
    assertThat(d1.text() + d2.text()).isEqualTo("Run ./parley run.");
    assertThat(d2.offset()).isEqualTo(4);
    Push.Message stored = v.nextOf(Push.Message.class);
    assertThat(stored.seq()).isEqualTo(3);
    assertThat(stored.id()).isEqualTo(start.id());
    assertThat(stored.kind()).isEqualTo("bot");
    assertThat(stored.text()).isEqualTo("Run ./parley run.");
    ChatEvent.Answer end = v.nextOf(ChatEvent.Answer.class);
    assertThat(end.phase()).isEqualTo("end");
    assertThat(end.status()).isEqualTo("complete");
    assertThat(h.bot).isNotNull();
  }

  @Test
  void askingForAPersonInWordsQueuesTheConversationWithoutABotAnswer() throws Exception {
    ChatHarness.Client v = h.visitor();
    String conv = greeted(v);
    v.send("{\"type\":\"send\",\"cid\":\"c1\",\"conv\":\"" + conv + "\",\"text\":\"Can I talk to a human please?\"}");
    ChatEvent.Conversation queued = v.nextOf(ChatEvent.Conversation.class);
    assertThat(queued.status()).isEqualTo("queued");
    Push.Message system = v.nextOf(Push.Message.class);
    assertThat(system.kind()).isEqualTo("system");
    assertThat(system.text()).contains("You asked for a person");
    assertThat(h.chatStore.find(conv).join().orElseThrow().status()).isEqualTo(ConversationStatus.QUEUED);
  }

  @Test
  void twoUnsureAnswersInARowHandTheVisitorToThePeople() throws Exception {
    h.bot.unsure("Not sure.").unsure("Still not sure.");
    ChatHarness.Client v = h.visitor();
    String conv = greeted(v);
    v.send("{\"type\":\"send\",\"cid\":\"c1\",\"conv\":\"" + conv + "\",\"text\":\"first\"}");
    v.nextOf(Push.Ack.class);
    assertThat(v.nextOf(Push.Message.class).text()).isEqualTo("Not sure.");
    v.send("{\"type\":\"send\",\"cid\":\"c2\",\"conv\":\"" + conv + "\",\"text\":\"second\"}");
    v.nextOf(Push.Ack.class);
    assertThat(v.nextOf(Push.Message.class).text()).isEqualTo("Still not sure.");
    assertThat(v.nextOf(ChatEvent.Conversation.class).status()).isEqualTo("queued");
    assertThat(v.nextOf(Push.Message.class).text()).contains("could not help twice");
  }

  @Test
  void theVisitorStopsAStreamingAnswerAndKeepsWhatWasSaidMarkedStopped() throws Exception {
    h.bot.holdsAfterFirst("Half ", "and the rest.");
    ChatHarness.Client v = h.visitor();
    String conv = greeted(v);
    v.send("{\"type\":\"send\",\"cid\":\"c1\",\"conv\":\"" + conv + "\",\"text\":\"tell me\"}");
    ChatEvent.Answer start = v.nextOf(ChatEvent.Answer.class);
    assertThat(v.next(ChatEvent.Answer.class).text()).isEqualTo("Half ");
    v.send("{\"type\":\"stop\",\"conv\":\"" + conv + "\",\"answer\":\"" + start.id() + "\"}");
    Push.Message kept = v.nextOf(Push.Message.class);
    assertThat(kept.text()).isEqualTo("Half ");
    assertThat(kept.status()).isEqualTo("stopped");
    assertThat(v.nextOf(ChatEvent.Answer.class).status()).isEqualTo("stopped");
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
    ChatHarness.Client again = h.connect(java.util.Map.of());
    again.send("{\"type\":\"hello\",\"token\":\"" + v.token() + "\",\"resume\":{\"" + conv + "\":2}}");
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
    ChatHarness.Client same = h.connect(java.util.Map.of());
    same.send("{\"type\":\"hello\",\"token\":\"" + v.token() + "\"}");
    same.next(Push.Welcome.class);
    same.send("{\"type\":\"join\",\"conv\":\"" + conv + "\",\"after\":0}");
    assertThat(same.next(Push.Joined.class).conv()).isEqualTo(conv);
    assertThat(same.next(Push.Message.class).seq()).isEqualTo(1);

    ChatHarness.Client stranger = h.connect(java.util.Map.of());
    stranger.send("{\"type\":\"hello\",\"resume\":{\"" + conv + "\":0}}");
    stranger.next(Push.Welcome.class);
    Push.Error refused = stranger.next(Push.Error.class);
    assertThat(refused.code()).isEqualTo("forbidden");
    assertThat(refused.conv()).as("a refused resume entry names its conversation").isEqualTo(conv);
    assertThat(refused.message()).contains(conv);
  }

  @Test
  void theSiteInTheHandshakeUrlPlacesTheVisitorLikeTheSiteInHello() throws Exception {
    ChatHarness.Client v = h.connect(java.util.Map.of("site", "demo"));
    v.send("{\"type\":\"hello\"}");
    assertThat(v.next(Push.Welcome.class).claim("site")).isEqualTo("demo");
    greeted(v);
  }

  @Test
  void aMessageInAResolvedConversationReopensItWithTheBot() throws Exception {
    ChatHarness.Client v = h.visitor();
    String conv = greeted(v);
    ChatHarness.Client maya = h.agent("maya");
    maya.nextOf(Push.Joined.class);
    maya.send("{\"type\":\"accept\",\"conv\":\"" + conv + "\"}");
    assertThat(v.nextOf(ChatEvent.Conversation.class).status()).isEqualTo("assigned");
    maya.send("{\"type\":\"resolve\",\"conv\":\"" + conv + "\"}");
    assertThat(v.nextOf(ChatEvent.Conversation.class).status()).isEqualTo("resolved");
    v.send("{\"type\":\"send\",\"cid\":\"c1\",\"conv\":\"" + conv + "\",\"text\":\"one more thing\"}");
    ChatEvent.Conversation reopened = v.nextOf(ChatEvent.Conversation.class);
    assertThat(reopened.status()).isEqualTo("bot");
    assertThat(v.nextOf(Push.Message.class).text()).isEqualTo("The conversation was reopened.");
    assertThat(v.nextOf(ChatEvent.Answer.class).phase()).isEqualTo("start");
  }
}
