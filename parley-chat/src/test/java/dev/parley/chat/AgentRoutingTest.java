package dev.parley.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.protocol.Push;
import dev.parley.protocol.chat.ChatEvent;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Agents and the queue, in the harness: assignment, capacity, the offline grace on the manual clock. */
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
    assertThat(v.nextOf(ChatEvent.Conversation.class).status()).isEqualTo("queued");
    return conv;
  }

  static ChatEvent.Conversation awaitStatus(ChatHarness.Client c, String conv, String status) throws Exception {
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
    String two = queuedVisitor(second);
    ChatEvent.Conversation waiting = second.nextOf(ChatEvent.Conversation.class);
    assertThat(waiting.conv()).isEqualTo(two);
    assertThat(waiting.position()).isEqualTo(1);
    assertThat(waiting.waitSeconds()).isEqualTo(180);
    assertThat(h.chatStore.find(two).join().orElseThrow().status()).isEqualTo(ConversationStatus.QUEUED);
    maya.send("{\"type\":\"resolve\",\"conv\":\"" + one + "\"}");
    assertThat(awaitStatus(second, two, "assigned").agent()).isEqualTo("Maya");
  }

  @Test
  void anAgentGoneLongerThanTheGraceHasItsVisitorQueuedAgainForAnother() throws Exception {
    h = new ChatHarness(ChatConfig.defaults(), ChatHarness.agent("maya", 1), ChatHarness.agent("sam", 1));
    ChatHarness.Client maya = h.agent("maya");
    ChatHarness.Client v = h.visitor();
    String conv = queuedVisitor(v);
    awaitStatus(v, conv, "assigned");
    h.disconnect(maya);
    h.advance(ChatConfig.defaults().agentOfflineGrace().minusMillis(1));
    assertThat(h.chatStore.find(conv).join().orElseThrow().agent()).as("a reload is not leaving").isEqualTo("maya");
    ChatHarness.Client sam = h.agent("sam");
    h.advance(Duration.ofMillis(1));
    assertThat(awaitStatus(v, conv, "queued")).isNotNull();
    assertThat(awaitStatus(v, conv, "assigned").agent()).isEqualTo("Sam");
    assertThat(awaitStatus(sam, conv, "assigned").agentId()).isEqualTo("sam");
  }

  @Test
  void onlyTheAssignedAgentTransfersAndTheNewAgentIsAnnounced() throws Exception {
    h = ChatHarness.standard();
    ChatHarness.Client maya = h.agent("maya");
    ChatHarness.Client sam = h.agent("sam");
    ChatHarness.Client v = h.visitor();
    String conv = queuedVisitor(v);
    String taker = awaitStatus(v, conv, "assigned").agent().toLowerCase();
    ChatHarness.Client owner = taker.equals("maya") ? maya : sam;
    ChatHarness.Client other = taker.equals("maya") ? sam : maya;
    String otherUser = taker.equals("maya") ? "sam" : "maya";
    other.send("{\"type\":\"transfer\",\"ref\":\"t1\",\"conv\":\"" + conv + "\",\"to\":\"" + otherUser + "\"}");
    Push.Error refused = other.nextOf(Push.Error.class);
    assertThat(refused.code()).isEqualTo("forbidden");
    assertThat(refused.ref()).isEqualTo("t1");
    owner.send("{\"type\":\"transfer\",\"conv\":\"" + conv + "\",\"to\":\"" + otherUser + "\"}");
    ChatEvent.Conversation moved = awaitStatus(v, conv, "assigned");
    assertThat(moved.agent().toLowerCase()).isEqualTo(otherUser);
    assertThat(v.nextOf(Push.Message.class).text()).contains("transferred the conversation");
  }
}
