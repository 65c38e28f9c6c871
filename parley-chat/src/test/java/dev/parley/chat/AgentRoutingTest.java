package dev.parley.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.protocol.Push;
import dev.parley.protocol.chat.ChatEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Agents and the queue, in the harness: assignment, capacity, the offline grace on the manual
 * clock.
 */
@Timeout(30)
class AgentRoutingTest {
  ChatHarness h;

  @AfterEach
  void close() {
    h.close();
  }

  /** A visitor that asked for a person; returns its conversation. */
  String queuedVisitor(ChatHarness.Client v) throws Exception {
    String conv = VisitorFlowTest.greeted(v);
    v.send("{\"type\":\"handoff\",\"conv\":\"" + conv + "\"}");
    assertThat(awaitStatus(v, conv, "queued")).isNotNull();
    return conv;
  }

  /**
   * Visitors that asked for a person one second apart (the queue's order is the time queued), the
   * routing thread idle after; their conversations in that order.
   */
  List<String> queuedInTurn(ChatHarness.Client... visitors) throws Exception {
    List<String> convs = new ArrayList<>();
    for (ChatHarness.Client v : visitors) {
      if (!convs.isEmpty()) {
        h.advance(Duration.ofSeconds(1));
      }
      convs.add(queuedVisitor(v));
    }
    h.chat.routingIdle();
    return convs;
  }

  /** Agent {@code user} logged in, and the assignment passes their login asked for all run. */
  ChatHarness.Client agentOnline(String user) throws Exception {
    ChatHarness.Client a = h.agent(user);
    a.conn().drainLoop(); // the hello's task, which asks for its sites' passes, has finished
    h.chat.routingIdle();
    return a;
  }

  /** A visitor that asked for a person, its conversation created by the request; returns it. */
  static String handedOff(ChatHarness.Client v) throws Exception {
    String conv = VisitorFlowTest.greeted(v);
    v.send("{\"type\":\"handoff\",\"conv\":\"" + conv + "\"}");
    return conv;
  }

  static ChatEvent.Conversation awaitStatus(ChatHarness.Client c, String conv, String status)
      throws Exception {
    while (true) {
      ChatEvent.Conversation e = c.nextOf(ChatEvent.Conversation.class);
      if (e.conv().equals(conv) && e.status().equals(status)) {
        return e;
      }
    }
  }

  @Test
  void anOnlineAgentWithRoomGetsTheQueuedVisitorAndTheVisitorSeesItsName() throws Exception {
    h = ChatHarness.standard();
    ChatHarness.Client maya = h.agent("maya");
    ChatHarness.Client v = h.visitor();
    String conv = queuedVisitor(v);
    ChatEvent.Conversation assigned = awaitStatus(v, conv, "assigned");
    assertThat(assigned.agent()).isEqualTo("Maya");
    ChatEvent.Conversation toAgents = awaitStatus(maya, conv, "assigned");
    assertThat(toAgents.agentId()).isEqualTo("maya");
    assertThat(toAgents.visitor()).isEqualTo(h.chatStore.find(conv).join().orElseThrow().visitor());
  }

  @Test
  void anAgentAtCapacityGetsNoMoreAndTheNextVisitorWaitsWithItsPlace() throws Exception {
    h = new ChatHarness(ChatConfig.defaults(), ChatHarness.agent("maya", 1));
    ChatHarness.Client maya = h.agent("maya");
    ChatHarness.Client first = h.visitor();
    String one = queuedVisitor(first);
    awaitStatus(first, one, "assigned");
    ChatHarness.Client second = h.visitor();
    String two = VisitorFlowTest.greeted(second);
    second.send("{\"type\":\"handoff\",\"conv\":\"" + two + "\"}");
    ChatEvent.Conversation waiting = second.nextOf(ChatEvent.Conversation.class);
    assertThat(waiting.status()).isEqualTo("queued");
    assertThat(waiting.position()).as("the place comes with the change").isEqualTo(1);
    assertThat(waiting.waitSeconds()).isEqualTo(180);
    assertThat(h.chatStore.find(two).join().orElseThrow().status())
        .isEqualTo(ConversationStatus.QUEUED);
    maya.send("{\"type\":\"resolve\",\"conv\":\"" + one + "\"}");
    assertThat(awaitStatus(second, two, "assigned").agent()).isEqualTo("Maya");
  }

  @Test
  void anAgentGoneLongerThanTheGraceHasItsVisitorQueuedAgainForAnother() throws Exception {
    h =
        new ChatHarness(
            ChatConfig.defaults(), ChatHarness.agent("maya", 1), ChatHarness.agent("sam", 1));
    ChatHarness.Client maya = h.agent("maya");
    ChatHarness.Client v = h.visitor();
    String conv = queuedVisitor(v);
    awaitStatus(v, conv, "assigned");
    h.disconnect(maya);
    h.advance(ChatConfig.defaults().agentOfflineGrace().minusMillis(1));
    assertThat(h.chatStore.find(conv).join().orElseThrow().agent())
        .as("a reload is not leaving")
        .isEqualTo("maya");
    ChatHarness.Client sam = h.agent("sam");
    h.advance(Duration.ofMillis(1));
    assertThat(awaitStatus(v, conv, "queued")).isNotNull();
    assertThat(awaitStatus(v, conv, "assigned").agent()).isEqualTo("Sam");
    assertThat(awaitStatus(sam, conv, "assigned").agentId()).isEqualTo("sam");
  }

  @Test
  void aStoreThatNeverAnswersHoldsRoutingOnlyStepWaitThenItGoesOn() throws Exception {
    h = ChatHarness.standard();
    h.chat.routingIdle(); // the counts taken at start are not the call held
    h.held.hold("list", args -> args[1] == ConversationStatus.ASSIGNED); // never answered
    ChatHarness.Client v = h.visitor();
    String conv = queuedVisitor(v);
    h.held.awaitHeld(); // the queued visitor's pass waits for the agents' load
    h.clock.awaitTimerAt(AgentRouting.STEP_WAIT); // … and its wait has begun
    h.held.holdNoMore(); // later calls are answered; the pass's stays unanswered for ever
    ChatHarness.Client maya = h.agent("maya"); // her pass waits behind it

    h.clock.advance(AgentRouting.STEP_WAIT.minusSeconds(1)); // not h.advance: routing is held
    assertThat(h.chatStore.find(conv).join().orElseThrow().status())
        .as("within the wait, routing waits")
        .isEqualTo(ConversationStatus.QUEUED);

    h.clock.advance(Duration.ofSeconds(1)); // the held pass is given up; maya's runs
    assertThat(awaitStatus(v, conv, "assigned").agent()).isEqualTo("Maya");
    assertThat(awaitStatus(maya, conv, "assigned").agentId()).isEqualTo("maya");
  }

  @Test
  void aPassHeldPastItsClaimStopsWhileAnotherNodeHoldsItAndAFreshPassAssignsTheRest()
      throws Exception {
    h = new ChatHarness(ChatConfig.defaults(), ChatHarness.agent("maya", 2));
    ChatHarness.Client first = h.visitor();
    ChatHarness.Client second = h.visitor();
    List<String> convs = queuedInTurn(first, second);
    String one = convs.get(0);
    String two = convs.get(1);
    h.held.hold("transition"); // the first assignment's compare-and-set answers only later
    h.agent("maya");
    h.held.awaitHeld();
    h.held.holdNoMore();

    h.clock.advance(Duration.ofSeconds(11)); // past the site's claim, within MOVE_WAIT
    assertThat(h.shared.claim("assign:demo", "other-node", Duration.ofSeconds(10)).join())
        .as("the lapsed claim is another node's to take")
        .isTrue();
    h.held.release();
    awaitStatus(first, one, "assigned");
    h.chat.routingIdle();
    assertThat(h.chatStore.find(two).join().orElseThrow().status())
        .as("no move while another node's pass holds the site")
        .isEqualTo(ConversationStatus.QUEUED);

    h.shared.release("assign:demo", "other-node").join();
    h.advance(Duration.ofSeconds(1)); // the fresh pass, with the load counted again
    assertThat(awaitStatus(second, two, "assigned").agent()).isEqualTo("Maya");
  }

  @Test
  void aPassHeldPastItsClaimCountsAgainWhatAnotherNodeAssignedMeanwhile() throws Exception {
    h = new ChatHarness(ChatConfig.defaults(), ChatHarness.agent("maya", 2));
    ChatHarness.Client first = h.visitor();
    ChatHarness.Client second = h.visitor();
    List<String> convs = queuedInTurn(first, second, h.visitor());
    String one = convs.get(0);
    String two = convs.get(1);
    String three = convs.get(2);
    h.held.hold("transition", args -> args[0].equals(one)); // its compare-and-set answers later
    h.agent("maya");
    h.held.awaitHeld();

    h.clock.advance(Duration.ofSeconds(11)); // past the site's claim: another node's pass runs
    assertThat(h.shared.claim("assign:demo", "other-node", Duration.ofSeconds(10)).join()).isTrue();
    h.chatStore
        .transition(three, ConversationStatus.QUEUED, ConversationStatus.ASSIGNED, "maya", 0)
        .join();
    h.shared.release("assign:demo", "other-node").join();
    h.held.release();
    awaitStatus(first, one, "assigned");
    h.advance(Duration.ofSeconds(1)); // the fresh pass counts maya's two
    ChatEvent.Conversation place;
    do {
      place = awaitStatus(second, two, "queued"); // the fresh pass tells the places it left
    } while (place.position() != 1);

    assertThat(h.chatStore.find(two).join().orElseThrow().status())
        .as("maya is at her capacity of two")
        .isEqualTo(ConversationStatus.QUEUED);
    assertThat(h.chatStore.find(three).join().orElseThrow().agent()).isEqualTo("maya");
  }

  @Test
  void anAgentsCapacityCountsTheConversationsOfAllTheirSites() throws Exception {
    Agent maya = new Agent("maya", "Maya", Set.of("demo", "shop"), 2, "-");
    h = new ChatHarness(ChatConfig.defaults(), maya);
    for (String id : List.of("chat_shop1", "chat_shop2")) { // two on the shop, already hers
      h.chatStore.open("shop", "v_" + id, id, h.clock.millis()).join();
      h.chatStore
          .transition(id, ConversationStatus.BOT, ConversationStatus.ASSIGNED, "maya", 0)
          .join();
    }
    ChatHarness.Client v = h.visitor();
    String conv = queuedVisitor(v);
    h.chat.routingIdle();
    agentOnline("maya");
    assertThat(h.chatStore.find(conv).join().orElseThrow().status())
        .as("maya is at her capacity of two, with the shop's")
        .isEqualTo(ConversationStatus.QUEUED);

    assertThat(h.chat.desk().resolve(AwayMailTest.MAYA, "chat_shop1").get().ok()).isTrue();
    assertThat(awaitStatus(v, conv, "assigned").agent())
        .as("a shop conversation resolved frees her room for the demo site's queue")
        .isEqualTo("Maya");
  }

  @Test
  void anAgentOfASiteNoLongerServedLeavesItsQueueAloneAndNoPassIsRetried() throws Exception {
    h = new ChatHarness(ChatConfig.defaults(), ChatHarness.agent("maya", 2));
    ChatHarness.Client v = h.visitor();
    String conv = queuedVisitor(v);
    h.chat.routingIdle();
    // demo is disabled; maya's account still lists it
    h.directory.replace(Map.of(), h.directory.agents(), h.directory.version() + 1);
    agentOnline("maya");
    assertThat(h.clock.hasTimerAt(Duration.ofSeconds(1)))
        .as("no failed pass to try again a second later")
        .isFalse();
    assertThat(h.chatStore.find(conv).join().orElseThrow().status())
        .isEqualTo(ConversationStatus.QUEUED);
  }

  @Test
  void eachChangeReachesAnAgentOnceEvenWhenTheAgentJoinedTheConversation() throws Exception {
    h = new ChatHarness(ChatConfig.defaults(), ChatHarness.agent("maya", 0));
    ChatHarness.Client maya = h.agent("maya");
    maya.nextOf(Push.Joined.class);
    ChatHarness.Client v = h.visitor();
    String conv = VisitorFlowTest.greeted(v);
    v.send("{\"type\":\"handoff\",\"conv\":\"" + conv + "\"}");
    ChatEvent.Conversation queued = awaitStatus(maya, conv, "queued");
    assertThat(queued.position()).isEqualTo(1);
    assertThat(queued.waitSeconds()).as("no agent with room: the prior handle time").isEqualTo(180);
    maya.assertNothingMore();
    List<Push> frames =
        VisitorFlowTest.collect(
            v, f -> VisitorFlowTest.hasStatus(f, "queued") && VisitorFlowTest.hasMessage(f, 2));
    assertThat(frames).filteredOn(ChatEvent.Conversation.class::isInstance).hasSize(1);
    assertThat(
            ((ChatEvent.Conversation)
                    frames.stream()
                        .filter(ChatEvent.Conversation.class::isInstance)
                        .findFirst()
                        .orElseThrow())
                .position())
        .isEqualTo(1);
    assertThat(VisitorFlowTest.message(frames, 2).text()).contains("You're in the queue");
    v.assertNothingMore(); // one event for the visitor, with its place: not a second one after it

    maya.send("{\"type\":\"join\",\"conv\":\"" + conv + "\",\"after\":0}");
    maya.nextOf(Push.Joined.class);
    maya.send("{\"type\":\"accept\",\"ref\":\"a1\",\"conv\":\"" + conv + "\"}");
    int events = 0;
    boolean joinedMessage = false;
    boolean fenced = false;
    while (!fenced) {
      Push p = maya.next();
      if (p instanceof ChatEvent.Conversation c && c.conv().equals(conv)) {
        events++;
        assertThat(c.status()).isEqualTo("assigned");
      } else if (p instanceof Push.Message m && m.text().contains("joined the conversation")) {
        // The change's system message (stored after its events): now fence off whatever may follow.
        joinedMessage = true;
        maya.send("{\"type\":\"ping\",\"ref\":\"fence\"}");
      } else if (p instanceof Push.Pong) {
        fenced = joinedMessage;
      }
    }
    assertThat(events)
        .as("the change reached the agent once, through the agents' topic")
        .isEqualTo(1);
  }

  @Test
  void acceptingAConversationAlreadyYoursSucceeds() throws Exception {
    h = ChatHarness.standard();
    ChatHarness.Client maya = h.agent("maya");
    ChatHarness.Client v = h.visitor();
    String conv = queuedVisitor(v);
    awaitStatus(maya, conv, "assigned");
    maya.send("{\"type\":\"accept\",\"ref\":\"again\",\"conv\":\"" + conv + "\"}");
    maya.assertNothingMore(); // no error: auto-assignment gave it to maya already
  }

  @Test
  void theWaitFollowsTheSitesMeasuredHandleTimes() throws Exception {
    h = new ChatHarness(ChatConfig.defaults(), ChatHarness.agent("maya", 1));
    ChatHarness.Client maya = h.agent("maya");
    ChatHarness.Client first = h.visitor();
    String one = queuedVisitor(first);
    awaitStatus(first, one, "assigned");
    h.advance(Duration.ofSeconds(60)); // maya handles it for a minute
    maya.send("{\"type\":\"resolve\",\"conv\":\"" + one + "\"}");
    awaitStatus(first, one, "resolved");
    ChatHarness.Client second = h.visitor();
    String two = queuedVisitor(second);
    awaitStatus(second, two, "assigned");
    ChatHarness.Client third = h.visitor();
    String three = VisitorFlowTest.greeted(third);
    third.send("{\"type\":\"handoff\",\"conv\":\"" + three + "\"}");
    ChatEvent.Conversation waiting = awaitStatus(third, three, "queued");
    assertThat(waiting.waitSeconds())
        .as("one measured minute, not the 3-minute prior")
        .isEqualTo(60);
  }

  @Test
  void onlyTheAssignedAgentTransfersAndTheNewAgentIsAnnounced() throws Exception {
    h = ChatHarness.standard();
    ChatHarness.Client maya = h.agent("maya");
    ChatHarness.Client sam = h.agent("sam");
    ChatHarness.Client v = h.visitor();
    String conv = queuedVisitor(v);
    String taker = awaitStatus(v, conv, "assigned").agent().toLowerCase(Locale.ROOT);
    ChatHarness.Client owner = taker.equals("maya") ? maya : sam;
    ChatHarness.Client other = taker.equals("maya") ? sam : maya;
    String otherUser = taker.equals("maya") ? "sam" : "maya";
    other.send(
        "{\"type\":\"transfer\",\"ref\":\"t1\",\"conv\":\""
            + conv
            + "\",\"to\":\""
            + otherUser
            + "\"}");
    Push.Error refused = other.nextOf(Push.Error.class);
    assertThat(refused.code()).isEqualTo("forbidden");
    assertThat(refused.ref()).isEqualTo("t1");
    owner.send("{\"type\":\"transfer\",\"conv\":\"" + conv + "\",\"to\":\"" + otherUser + "\"}");
    ChatEvent.Conversation moved = awaitStatus(v, conv, "assigned");
    assertThat(moved.agent().toLowerCase(Locale.ROOT)).isEqualTo(otherUser);
    assertThat(
            VisitorFlowTest.collect(
                v,
                f ->
                    f.stream()
                        .anyMatch(
                            p ->
                                p instanceof Push.Message m
                                    && m.text().contains("transferred the conversation"))))
        .isNotEmpty();
  }
}
