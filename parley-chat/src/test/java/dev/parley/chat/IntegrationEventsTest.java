package dev.parley.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.core.Principal;
import dev.parley.protocol.Push;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The chat layer tells its {@link IntegrationEvents} port of each creation, stored message and
 * status move, once, in the order they happened, with the conversation as it then stands.
 */
@Timeout(30)
class IntegrationEventsTest {
  ChatHarness h = ChatHarness.standard();

  @AfterEach
  void close() {
    h.close();
  }

  IntegrationEvent next() throws InterruptedException {
    IntegrationEvent e = h.events.poll(10, TimeUnit.SECONDS);
    assertThat(e).as("an integration event").isNotNull();
    return e;
  }

  List<IntegrationEvent> next(int n) throws InterruptedException {
    List<IntegrationEvent> l = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      l.add(next());
    }
    return l;
  }

  @Test
  void aWholeConversationIsToldInOrder() throws Exception {
    ChatHarness.Client maya = h.agent("maya");
    ChatHarness.Client v = h.visitor();
    String conv = VisitorFlowTest.greeted(v);
    assertThat(h.events).as("a greeting shown creates nothing").isEmpty();

    StaffWritesTest.send(v, conv, "v1", "hello");
    v.nextOf(Push.Ack.class);
    List<IntegrationEvent> first = next(4);
    assertThat(first)
        .extracting(IntegrationEvent::type)
        .containsExactly(
            IntegrationEvent.Type.CONVERSATION_CREATED,
            IntegrationEvent.Type.MESSAGE_CREATED,
            IntegrationEvent.Type.MESSAGE_CREATED,
            IntegrationEvent.Type.MESSAGE_CREATED);
    assertThat(first.get(0).conversation().id()).isEqualTo(conv);
    assertThat(first.get(0).conversation().status()).isEqualTo(ConversationStatus.BOT);
    assertThat(first.get(0).message()).isNull();
    assertThat(first.subList(1, 4))
        .extracting(e -> e.message().seq() + " " + e.message().kind() + " " + e.message().text())
        .containsExactly("1 bot " + ChatHarness.GREETING, "2 text hello", "3 bot I know that.");
    assertThat(first).extracting(IntegrationEvent::site).containsOnly("demo");

    v.send("{\"type\":\"handoff\",\"conv\":\"" + conv + "\"}");
    AgentRoutingTest.awaitStatus(v, conv, "assigned");
    IntegrationEvent handedOff = next();
    assertThat(handedOff.type()).isEqualTo(IntegrationEvent.Type.CONVERSATION_HANDED_OFF);
    assertThat(handedOff.conversation().status()).isEqualTo(ConversationStatus.QUEUED);
    IntegrationEvent assigned = next();
    assertThat(assigned.type()).isEqualTo(IntegrationEvent.Type.CONVERSATION_ASSIGNED);
    assertThat(assigned.conversation().agent()).isEqualTo("maya");

    // an agent's message over REST is an event like one over WebSocket
    Principal mayaP = maya.session().principal();
    h.chat.desk().postAsAgent(mayaP, conv, "r1", "Hi, Maya here").get(10, TimeUnit.SECONDS);
    IntegrationEvent said = next();
    assertThat(said.type()).isEqualTo(IntegrationEvent.Type.MESSAGE_CREATED);
    assertThat(said.message().sender()).isEqualTo("maya");
    assertThat(said.message().text()).isEqualTo("Hi, Maya here");

    maya.send("{\"type\":\"resolve\",\"conv\":\"" + conv + "\"}");
    AgentRoutingTest.awaitStatus(v, conv, "resolved");
    IntegrationEvent resolved = next();
    assertThat(resolved.type()).isEqualTo(IntegrationEvent.Type.CONVERSATION_RESOLVED);
    assertThat(resolved.conversation().status()).isEqualTo(ConversationStatus.RESOLVED);
    assertThat(h.events.poll(200, TimeUnit.MILLISECONDS)).as("system notes are no events").isNull();
  }

  @Test
  void aResentMessageIsToldOnce() throws Exception {
    ChatHarness.Client v = h.visitor();
    String conv = VisitorFlowTest.greeted(v);
    StaffWritesTest.send(v, conv, "v1", "hello");
    v.nextOf(Push.Ack.class);
    next(4);
    StaffWritesTest.send(v, conv, "v1", "hello");
    v.nextOf(Push.Ack.class);
    assertThat(h.events.poll(200, TimeUnit.MILLISECONDS)).isNull();
  }

  @Test
  void theWireNamesAreTheDocumentedOnes() {
    assertThat(List.of(IntegrationEvent.Type.values()))
        .extracting(IntegrationEvent.Type::wire)
        .containsExactly(
            "conversation.created",
            "message.created",
            "conversation.handed_off",
            "conversation.assigned",
            "conversation.resolved",
            "conversation.rated");
    assertThat(IntegrationEvent.Type.ofWire("conversation.handed_off"))
        .isEqualTo(IntegrationEvent.Type.CONVERSATION_HANDED_OFF);
  }
}
