package dev.parley.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.protocol.Push;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Who writes in a conversation over WebSocket (issue 14.6): its visitor, and of the staff only the
 * agent it is assigned to, as REST has it. Another agent of the site, or an admin, may join and
 * read; nobody writes into a conversation the bot has.
 */
@Timeout(30)
class StaffWritesTest {
  final ChatHarness h =
      new ChatHarness(
          ChatConfig.defaults(),
          ChatHarness.agent("maya", 2),
          ChatHarness.agent("sam", 0),
          new Agent("root", "Root", Set.of("demo"), 0, "-", true));

  @AfterEach
  void close() {
    h.close();
  }

  static String send(ChatHarness.Client c, String conv, String cid, String text) {
    c.send(
        "{\"type\":\"send\",\"cid\":\""
            + cid
            + "\",\"conv\":\""
            + conv
            + "\",\"text\":\""
            + text
            + "\"}");
    return cid;
  }

  static void joined(ChatHarness.Client c, String conv) throws InterruptedException {
    c.send("{\"type\":\"join\",\"conv\":\"" + conv + "\",\"after\":0}");
    while (!c.nextOf(Push.Joined.class).conv().equals(conv)) {
      // another conversation's join (the agents' topic)
    }
  }

  static Push.Error refused(ChatHarness.Client c, String cid) throws InterruptedException {
    while (true) {
      Push.Error e = c.nextOf(Push.Error.class);
      if (cid.equals(e.cid())) {
        return e;
      }
    }
  }

  @Test
  void noAgentWritesIntoAConversationTheBotHas() throws Exception {
    ChatHarness.Client v = h.visitor();
    String conv = VisitorFlowTest.greeted(v);
    send(v, conv, "v1", "hello"); // created, the bot's
    assertThat(v.nextOf(Push.Ack.class).cid()).isEqualTo("v1");
    ChatHarness.Client maya = h.agent("maya");
    joined(maya, conv);
    send(maya, conv, "m1", "I am the bot now");
    Push.Error e = refused(maya, "m1");
    assertThat(e.code()).isEqualTo("forbidden");
    assertThat(e.field()).isEqualTo("conv");
    assertThat(h.store.readAfter(conv, 0, 100))
        .extracting(m -> m.text())
        .doesNotContain("I am the bot now");
  }

  @Test
  void theAssignedAgentWritesAndAColleagueOrAnAdminOnlyReads() throws Exception {
    ChatHarness.Client maya = h.agent("maya");
    ChatHarness.Client v = h.visitor();
    String conv = AgentRoutingTest.handedOff(v);
    AgentRoutingTest.awaitStatus(v, conv, "assigned");

    ChatHarness.Client sam = h.agent("sam");
    joined(sam, conv);
    send(sam, conv, "s1", "let me take over");
    assertThat(refused(sam, "s1").code()).isEqualTo("forbidden");

    ChatHarness.Client root = h.agent("root");
    joined(root, conv);
    send(root, conv, "r1", "admin here");
    assertThat(refused(root, "r1").code()).isEqualTo("forbidden");

    joined(maya, conv);
    send(maya, conv, "m1", "Hi, Maya here");
    assertThat(maya.nextOf(Push.Ack.class).cid()).isEqualTo("m1");
    // The readers see the assigned agent's message.
    assertThat(awaitText(sam, "Hi, Maya here")).isNotNull();
    assertThat(awaitText(root, "Hi, Maya here")).isNotNull();
    assertThat(h.store.readAfter(conv, 0, 100))
        .extracting(m -> m.text())
        .contains("Hi, Maya here")
        .doesNotContain("let me take over", "admin here");
  }

  @Test
  void anAgentsResendAfterTheConversationWasResolvedIsAckedAsStored() throws Exception {
    ChatHarness.Client maya = h.agent("maya");
    ChatHarness.Client v = h.visitor();
    String conv = AgentRoutingTest.handedOff(v);
    AgentRoutingTest.awaitStatus(v, conv, "assigned");
    joined(maya, conv);
    send(maya, conv, "m1", "Anything else?");
    Push.Ack first = maya.nextOf(Push.Ack.class);

    // Its ack was lost; meanwhile the conversation is resolved, and Maya may write no more.
    maya.send("{\"type\":\"resolve\",\"conv\":\"" + conv + "\"}");
    AgentRoutingTest.awaitStatus(maya, conv, "resolved");
    send(maya, conv, "m1", "Anything else?");
    Push.Ack again = maya.nextOf(Push.Ack.class);
    assertThat(again.cid()).isEqualTo("m1");
    assertThat(again.seq()).isEqualTo(first.seq());
    assertThat(again.id()).isEqualTo(first.id());

    send(maya, conv, "m2", "One more thing");
    assertThat(refused(maya, "m2").code()).isEqualTo("forbidden");
    assertThat(h.store.readAfter(conv, 0, 100))
        .extracting(m -> m.text())
        .containsOnlyOnce("Anything else?")
        .doesNotContain("One more thing");
  }

  static Push.Message awaitText(ChatHarness.Client c, String text) throws InterruptedException {
    while (true) {
      Push.Message m = c.nextOf(Push.Message.class);
      if (m.text().equals(text)) {
        return m;
      }
    }
  }
}
