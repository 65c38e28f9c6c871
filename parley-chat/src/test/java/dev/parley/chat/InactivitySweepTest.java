package dev.parley.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.protocol.Push;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The inactivity sweep on the manual clock: abandoned visitors free their agent, a crashed node's
 * agents their visitors.
 */
@Timeout(30)
class InactivitySweepTest {
  ChatHarness h;

  @AfterEach
  void close() {
    h.close();
  }

  /** Lets sweeps run until {@code done}, one sweep interval at a time (at most an hour). */
  void sweepUntil(BooleanSupplier done) throws Exception {
    for (int i = 0; i < 120 && !done.getAsBoolean(); i++) {
      h.elapse(ChatConfig.defaults().sweepInterval());
    }
    assertThat(done.getAsBoolean()).isTrue();
  }

  ConversationStatus status(String conv) {
    return h.chatStore.find(conv).join().orElseThrow().status();
  }

  @Test
  void aVisitorGoneAndSilentPastTheSitesIdleTimeIsClosedAsAbandonedAndTheAgentTakesTheNext()
      throws Exception {
    h = new ChatHarness(ChatConfig.defaults(), ChatHarness.agent("maya", 1));
    h.agent("maya"); // online, so the first visitor is assigned
    ChatHarness.Client gone = h.visitor();
    String first = AgentRoutingTest.handedOff(gone);
    AgentRoutingTest.awaitStatus(gone, first, "assigned");
    ChatHarness.Client waiting = h.visitor();
    String second = AgentRoutingTest.handedOff(waiting);
    h.disconnect(gone);

    h.elapse(Site.DEFAULT_VISITOR_IDLE.minus(ChatConfig.defaults().sweepInterval()));
    assertThat(status(first)).as("not idle long enough yet").isEqualTo(ConversationStatus.ASSIGNED);
    sweepUntil(() -> status(first) == ConversationStatus.RESOLVED);
    assertThat(AgentRoutingTest.awaitStatus(waiting, second, "assigned").agent()).isEqualTo("Maya");
    List<Push.Message> all =
        h.store.readAfter(first, 0, 100).stream()
            .map(
                m ->
                    new Push.Message(
                        m.conversation(),
                        m.seq(),
                        m.id(),
                        m.sender(),
                        m.kind(),
                        m.text(),
                        0,
                        null,
                        null))
            .toList();
    assertThat(all.get(all.size() - 1).text()).contains("the visitor left");
  }

  @Test
  void aVisitorStillConnectedIsNeverAbandoned() throws Exception {
    h = new ChatHarness(ChatConfig.defaults(), ChatHarness.agent("maya", 1));
    h.agent("maya");
    ChatHarness.Client v = h.visitor();
    String conv = AgentRoutingTest.handedOff(v);
    AgentRoutingTest.awaitStatus(v, conv, "assigned");
    h.elapse(Site.DEFAULT_VISITOR_IDLE.multipliedBy(2));
    assertThat(status(conv)).isEqualTo(ConversationStatus.ASSIGNED);
  }

  @Test
  void anAgentWhoseNodeDiedWithoutClosingIsReplacedAfterTheGrace() throws Exception {
    h =
        new ChatHarness(
            ChatConfig.defaults(), ChatHarness.agent("maya", 1), ChatHarness.agent("sam", 1));
    ChatHarness.Client v = h.visitor();
    // Maya on a node that dies: her presence is in the shared state, but no session of hers ever
    // closes here.
    h.shared
        .presenceAdd("conv:agents:demo", "s_on_dead_node", "maya", Duration.ofSeconds(60))
        .join();
    String conv = AgentRoutingTest.handedOff(v);
    AgentRoutingTest.awaitStatus(v, conv, "assigned");
    assertThat(h.chatStore.find(conv).join().orElseThrow().agent()).isEqualTo("maya");
    h.agent("sam");
    sweepUntil(() -> "sam".equals(h.chatStore.find(conv).join().orElseThrow().agent()));
    assertThat(AgentRoutingTest.awaitStatus(v, conv, "assigned").agent()).isEqualTo("Sam");
  }
}
