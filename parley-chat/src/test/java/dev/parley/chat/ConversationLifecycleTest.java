package dev.parley.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.parley.core.AnonymousTokens;
import dev.parley.core.BrokerEvent;
import dev.parley.core.InMemoryBroker;
import dev.parley.core.InMemoryMessageStore;
import dev.parley.core.InMemorySharedState;
import dev.parley.core.ManualClock;
import dev.parley.core.MessageStore;
import dev.parley.core.Node;
import dev.parley.core.NodeConfig;
import dev.parley.core.SharedState;
import dev.parley.core.StoredMessage;
import dev.parley.protocol.Codec;
import dev.parley.protocol.chat.ChatEvent;
import dev.parley.protocol.chat.ChatProtocol;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ConversationLifecycle}'s announcements on a real node with in-memory ports, where a test
 * holds one asynchronous step (the queue's list, the visitor's language, the store's append) to
 * open the window a slow store or shared state opens in production: each conversation's moves are
 * told and noted in their order, and no note is left in a conversation deleted meanwhile.
 */
@Timeout(30)
class ConversationLifecycleTest {
  static final String CONV = ChatConversation.ID_PREFIX + "lifecycle-1";

  final ManualClock clock = new ManualClock();
  final Codec codec = ChatProtocol.codec();
  final InMemoryMessageStore messages = new InMemoryMessageStore();

  /**
   * The step a test holds, by its port's method name; it goes on when {@link Held#release} runs.
   */
  final Held held = new Held();

  final InMemoryChatStore chatStore = new InMemoryChatStore();
  Node node;
  Conversations conversations;
  ConversationLifecycle lifecycle;

  /** The status of each {@code conversation} event the site's agents were told, in order. */
  final List<String> toldAgents = new CopyOnWriteArrayList<>();

  /** The {@code conversation} events the site's agents were told, in order. */
  final List<ChatEvent.Conversation> agentEvents = new CopyOnWriteArrayList<>();

  /** The {@code conversation} events the visitor was told, in order. */
  final List<ChatEvent.Conversation> visitorEvents = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    InMemorySharedState shared = new InMemorySharedState(clock::nanoTime);
    node =
        Node.builder()
            .config(NodeConfig.defaults())
            .codec(codec)
            .clock(clock)
            .store(held.wrap(MessageStore.class, messages))
            .broker(new InMemoryBroker())
            .sharedState(held.wrap(SharedState.class, shared))
            .authenticator(new AnonymousTokens(new byte[32]))
            .build();
    Directory directory =
        new Directory(
            Map.of(
                "demo",
                new Site("demo", "Demo", List.of("*"), "Hi", "Bot", 0.5, BusinessHours.always())),
            Map.of("maya", new Agent("maya", "Maya", Set.of("demo"), 2, null, false)));
    conversations =
        new Conversations(held.wrap(ChatStore.class, chatStore), node.sharedState(), clock);
    QueuePlaces places =
        new QueuePlaces(node, directory, conversations, new WaitEstimate(Duration.ofMinutes(5)));
    lifecycle =
        new ConversationLifecycle(
            node,
            conversations,
            directory,
            places,
            new EventFeed(IntegrationEvents.NONE, conversations, clock, null),
            new VisitorLanguages(node));
    node.broker()
        .subscribe(
            "conv:" + ConversationLifecycle.AGENTS_TOPIC + "demo", // LocalHub.topicOf
            (BrokerEvent e) -> {
              ChatEvent.Conversation told = conversationEvent(e);
              agentEvents.add(told);
              toldAgents.add(told.status());
            })
        .get(5, TimeUnit.SECONDS);
    node.broker()
        .subscribe(
            "conv:" + CONV,
            (BrokerEvent e) -> {
              if (codec.decodePush(e.frame(), 0, e.frame().length)
                  instanceof ChatEvent.Conversation told) {
                visitorEvents.add(told);
              }
            })
        .get(5, TimeUnit.SECONDS);
    conversations.open("demo", "ann", CONV).get(5, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() {
    node.close();
  }

  ChatEvent.Conversation conversationEvent(BrokerEvent e) {
    return (ChatEvent.Conversation) codec.decodePush(e.frame(), 0, e.frame().length);
  }

  ChatConversation current() throws Exception {
    return conversations.find(CONV).get(5, TimeUnit.SECONDS).orElseThrow();
  }

  CompletableFuture<?> move(ConversationStatus to, String note) throws Exception {
    return move(current(), to, note);
  }

  CompletableFuture<?> move(ChatConversation c, ConversationStatus to, String note) {
    return lifecycle.move(
        c, c.status(), to, to == ConversationStatus.ASSIGNED ? "maya" : null, lang -> note);
  }

  /** The texts of the system notes {@code CONV} holds, in seq order. */
  List<String> notes() throws Exception {
    return messages.readAfter(CONV, 0, 100).stream()
        .filter(m -> "system".equals(m.kind()))
        .map(StoredMessage::text)
        .toList();
  }

  @Test
  void aLaterMoveIsToldAndNotedOnlyAfterAnEarlierOneWhosePlaceInTheQueueIsSlow() throws Exception {
    held.hold("list"); // the queue's order, which a queued conversation's place needs
    CompletableFuture<?> queued = move(ConversationStatus.QUEUED, "You are in the queue.");
    CompletableFuture<?> assigned = move(ConversationStatus.ASSIGNED, "Maya joined.");

    assertThat(current().status()).as("both moves are made").isEqualTo(ConversationStatus.ASSIGNED);
    assertThat(toldAgents).as("nothing is told before the queued place").isEmpty();
    assertThat(notes()).isEmpty();
    assertThat(assigned).isNotDone();

    held.release();
    queued.get(5, TimeUnit.SECONDS);
    assigned.get(5, TimeUnit.SECONDS);

    assertThat(toldAgents).containsExactly("queued", "assigned");
    assertThat(notes()).containsExactly("You are in the queue.", "Maya joined.");
  }

  @Test
  void aFailedAnnouncementDoesNotStopTheNextOne() throws Exception {
    held.hold("append"); // the queued move's note
    CompletableFuture<?> queued = move(ConversationStatus.QUEUED, "You are in the queue.");
    CompletableFuture<?> assigned = move(ConversationStatus.ASSIGNED, "Maya joined.");
    assertThat(toldAgents).containsExactly("queued");

    held.releaseFailing();

    assertThat(queued).failsWithin(Duration.ofSeconds(5));
    assigned.get(5, TimeUnit.SECONDS);
    assertThat(toldAgents).containsExactly("queued", "assigned");
    assertThat(notes()).containsExactly("Maya joined.");
  }

  @Test
  void aMoveWaitsForAnEarlierAnnouncementThatNeverFinishesOnlyTurnWaitThenGoesAhead()
      throws Exception {
    held.hold("append"); // the queued move's note: a store that never answers it
    CompletableFuture<?> queued = move(ConversationStatus.QUEUED, "You are in the queue.");
    held.holdNoMore(); // the assigned move's note is answered
    CompletableFuture<?> assigned = move(ConversationStatus.ASSIGNED, "Maya joined.");
    assertThat(toldAgents).containsExactly("queued");

    clock.advance(ConversationTurns.TURN_WAIT.minusSeconds(1));
    assertThat(assigned).as("within the wait, the order holds").isNotDone();
    assertThat(toldAgents).containsExactly("queued");

    clock.advance(Duration.ofSeconds(1));
    assigned.get(5, TimeUnit.SECONDS);
    assertThat(toldAgents).containsExactly("queued", "assigned");
    assertThat(notes()).containsExactly("Maya joined.");
    assertThat(queued).as("the earlier one is still held").isNotDone();

    held.release();
    queued.get(5, TimeUnit.SECONDS);
    assertThat(notes()).containsExactly("Maya joined.", "You are in the queue.");
  }

  @Test
  void aMoveOvertakenAfterTurnWaitTellsNothingWhenItsPlaceFinallyComes() throws Exception {
    held.hold("list"); // the queue's order, for the queued move's place: it answers only later
    CompletableFuture<?> queued = move(ConversationStatus.QUEUED, "You are in the queue.");
    held.holdNoMore();
    CompletableFuture<?> assigned = move(ConversationStatus.ASSIGNED, "Maya joined.");

    clock.advance(ConversationTurns.TURN_WAIT);
    assigned.get(5, TimeUnit.SECONDS);
    assertThat(toldAgents).containsExactly("assigned");

    held.release();
    queued.get(5, TimeUnit.SECONDS);
    assertThat(toldAgents).as("no queued after assigned").containsExactly("assigned");
    assertThat(notes()).containsExactly("Maya joined.");
    assertThat(current().status()).isEqualTo(ConversationStatus.ASSIGNED);
  }

  @Test
  void aLaterMoveThatLostItsCompareAndSetOvertakesNothingAfterTurnWait() throws Exception {
    ChatConversation inBot = current();
    held.hold("list"); // the queued move's place: it answers only later
    CompletableFuture<?> queued = move(inBot, ConversationStatus.QUEUED, "You are in the queue.");
    held.holdNoMore();
    // From the status the conversation had: it lost, the conversation is queued.
    CompletableFuture<?> lost = move(inBot, ConversationStatus.RESOLVED, "Resolved.");

    clock.advance(ConversationTurns.TURN_WAIT);
    lost.get(5, TimeUnit.SECONDS);
    held.release();
    queued.get(5, TimeUnit.SECONDS);

    assertThat(toldAgents).as("the queued move is still told").containsExactly("queued");
    assertThat(notes()).containsExactly("You are in the queue.");
    assertThat(current().status()).isEqualTo(ConversationStatus.QUEUED);
  }

  @Test
  void theAgentsViewToldAgainWaitsForAMoveInFlightAndShowsTheStatusItLeft() throws Exception {
    move(ConversationStatus.QUEUED, "You are in the queue.").get(5, TimeUnit.SECONDS);
    ChatConversation queued = current();
    held.hold("transition"); // the assigned move's compare-and-set answers only later
    CompletableFuture<?> assigned = move(queued, ConversationStatus.ASSIGNED, "Maya joined.");

    CompletableFuture<Void> toldAgain = lifecycle.publishToAgents(queued); // the mood changed
    assertThat(toldAgain).isNotDone();
    assertThat(toldAgents).containsExactly("queued");

    held.release();
    assigned.get(5, TimeUnit.SECONDS);
    toldAgain.get(5, TimeUnit.SECONDS);
    assertThat(toldAgents).containsExactly("queued", "assigned", "assigned");
  }

  @Test
  void aMoveToldAfterAViewToldAgainStillSilencesTheHungMoveBeforeBoth() throws Exception {
    held.hold("list"); // the queued move's place: it answers only after everything else
    CompletableFuture<?> queued = move(ConversationStatus.QUEUED, "You are in the queue.");
    held.holdNoMore();
    ChatConversation queuedRow = current();
    CompletableFuture<Void> toldAgain = lifecycle.publishToAgents(queuedRow); // the visitor wrote
    CompletableFuture<?> assigned = move(queuedRow, ConversationStatus.ASSIGNED, "Maya joined.");

    clock.advance(ConversationTurns.TURN_WAIT); // the view's wait for the queued move runs out
    toldAgain.get(5, TimeUnit.SECONDS);
    assigned.get(5, TimeUnit.SECONDS);
    held.release();
    queued.get(5, TimeUnit.SECONDS);

    assertThat(toldAgents).as("no queued after assigned").containsExactly("assigned", "assigned");
    assertThat(notes()).containsExactly("Maya joined.");
  }

  @Test
  void theAgentsViewToldAgainFromAnOlderCopyShowsTheNewerRow() throws Exception {
    move(ConversationStatus.QUEUED, "You are in the queue.").get(5, TimeUnit.SECONDS);
    ChatConversation queued = current();
    move(queued, ConversationStatus.ASSIGNED, "Maya joined.").get(5, TimeUnit.SECONDS);

    lifecycle.publishToAgents(queued).get(5, TimeUnit.SECONDS);

    assertThat(toldAgents).containsExactly("queued", "assigned", "assigned");
  }

  @Test
  void aRatingToldAsTheVisitorReopensTheConversationShowsTheStatusItMovedTo() throws Exception {
    move(ConversationStatus.RESOLVED, "Resolved.").get(5, TimeUnit.SECONDS);
    ChatConversation resolved = current();
    held.hold("transition"); // the visitor wrote again: the reopening answers only later
    CompletableFuture<?> reopened = move(resolved, ConversationStatus.BOT, "Reopened.");

    CompletableFuture<Void> rated =
        lifecycle.publishRated(resolved, new Rating(CONV, "demo", true, "thanks", clock.millis()));
    assertThat(rated).isNotDone();

    held.release();
    reopened.get(5, TimeUnit.SECONDS);
    rated.get(5, TimeUnit.SECONDS);
    assertThat(toldAgents).as("no resolved after bot").containsExactly("resolved", "bot", "bot");
    assertThat(agentEvents.getLast().rating()).isEqualTo("good");
    assertThat(agentEvents.getLast().ratingComment()).isEqualTo("thanks");
    assertThat(visitorEvents)
        .extracting(ChatEvent.Conversation::status, ChatEvent.Conversation::rating)
        .as("the visitor's answer to rate comes last, with the status the conversation is in")
        .containsExactly(tuple("resolved", null), tuple("bot", null), tuple("bot", "good"));
  }

  @Test
  void aRatingWhoseRowCannotBeReadIsToldWithTheRowItWasGiven() throws Exception {
    move(ConversationStatus.RESOLVED, "Resolved.").get(5, TimeUnit.SECONDS);
    ChatConversation resolved = current();
    node.sharedState().removeValue("chat-conversation:" + CONV).get(5, TimeUnit.SECONDS);
    held.hold("find"); // the row is read from the store, which is down

    CompletableFuture<Void> rated =
        lifecycle.publishRated(resolved, new Rating(CONV, "demo", true, null, clock.millis()));
    held.awaitHeld();
    held.releaseFailing();
    rated.get(5, TimeUnit.SECONDS);

    assertThat(toldAgents).containsExactly("resolved", "resolved");
    assertThat(visitorEvents.getLast().status()).isEqualTo("resolved");
    assertThat(visitorEvents.getLast().rating()).isEqualTo("good");
  }

  @Test
  void aRatingToldFromAnOlderCopyShowsTheNewerRow() throws Exception {
    move(ConversationStatus.RESOLVED, "Resolved.").get(5, TimeUnit.SECONDS);
    ChatConversation resolved = current();
    move(resolved, ConversationStatus.BOT, "Reopened.").get(5, TimeUnit.SECONDS);

    lifecycle
        .publishRated(resolved, new Rating(CONV, "demo", false, null, clock.millis()))
        .get(5, TimeUnit.SECONDS);

    assertThat(toldAgents).containsExactly("resolved", "bot", "bot");
    assertThat(agentEvents.getLast().rating()).isEqualTo("bad");
  }

  @Test
  void aNoteIsNotStoredInAConversationDeletedWhileItsLanguageWasLookedUp() throws Exception {
    ChatConversation c = current();
    held.hold("value"); // the visitor's language, from the shared state
    CompletableFuture<?> resolved = move(c, ConversationStatus.RESOLVED, "Resolved.");
    assertThat(toldAgents).containsExactly("resolved");

    held.release(() -> deleteConversation());
    resolved.get(5, TimeUnit.SECONDS);

    assertThat(current().deleted()).isTrue();
    assertThat(notes()).isEmpty();
  }

  @Test
  void aNoteAppendedAsTheConversationIsDeletedIsRemovedAgain() throws Exception {
    held.hold("append"); // the note's append: it lands after the delete removed the messages
    CompletableFuture<?> resolved = move(ConversationStatus.RESOLVED, "Resolved.");

    held.release(() -> deleteConversation());
    resolved.get(5, TimeUnit.SECONDS);

    assertThat(current().deleted()).isTrue();
    assertThat(messages.readAfter(CONV, 0, 100)).isEmpty();
  }

  @Test
  void aNoteStoredWhoseAppendThenFailedIsStillRemovedFromATombstone() throws Exception {
    held.hold("append"); // stored, then the append fails (as when the publish after it fails)
    CompletableFuture<?> resolved = move(ConversationStatus.RESOLVED, "Resolved.");

    deleteConversation();
    held.releaseAfterCallFailing();

    assertThat(resolved).failsWithin(Duration.ofSeconds(5));
    assertThat(messages.readAfter(CONV, 0, 100)).isEmpty();
  }

  @Test
  void theCheckAfterTheAppendReadsTheStoreNotACacheAFailedWriteLeftStale() throws Exception {
    held.hold("append");
    CompletableFuture<?> resolved = move(ConversationStatus.RESOLVED, "Resolved.");

    held.release(
        () -> {
          // The tombstone committed, but its cache write failed: the cache still says resolved.
          chatStore.delete(CONV).join();
          messages.deleteConversation(CONV).join();
          return null;
        });
    resolved.get(5, TimeUnit.SECONDS);

    assertThat(current().deleted()).as("the stale cached row").isFalse();
    assertThat(messages.readAfter(CONV, 0, 100)).isEmpty();
  }

  /**
   * What {@link DataProtection#deleteConversation} does first: the tombstone, then the messages.
   */
  Void deleteConversation() {
    try {
      assertThat(conversations.delete(CONV).get(5, TimeUnit.SECONDS)).isTrue();
      messages.deleteConversation(CONV).get(5, TimeUnit.SECONDS);
      return null;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
