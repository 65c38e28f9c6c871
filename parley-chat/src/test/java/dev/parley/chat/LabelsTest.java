package dev.parley.chat;

import static dev.parley.chat.VisitorFlowTest.greeted;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.protocol.Push;
import dev.parley.protocol.chat.ChatEvent;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code label}: the site's agents label a conversation; the agents hear it, the visitor never. */
@Timeout(30)
class LabelsTest {
  ChatHarness h;

  @BeforeEach
  void start() {
    h =
        new ChatHarness(
            ChatConfig.defaults(),
            ChatHarness.agent("maya", 2),
            new Agent("olga", "Olga", Set.of("elsewhere"), 2, "-"));
  }

  @AfterEach
  void stop() {
    h.close();
  }

  static ChatEvent.Conversation nextLabelled(ChatHarness.Client c) throws InterruptedException {
    while (true) {
      ChatEvent.Conversation e = c.nextOf(ChatEvent.Conversation.class);
      if (e.labels() != null && !e.labels().isEmpty()) {
        return e;
      }
    }
  }

  @Test
  void anAgentOfTheSiteLabelsAConversationAndOnlyTheAgentsHearIt() throws Exception {
    ChatHarness.Client maya = h.agent("maya");
    maya.nextOf(Push.Joined.class);
    ChatHarness.Client v = h.visitor();
    String conv = greeted(v);
    v.send("{\"type\":\"send\",\"cid\":\"c0\",\"conv\":\"" + conv + "\",\"text\":\"hi\"}");
    v.nextOf(Push.Ack.class);

    maya.send(
        "{\"type\":\"label\",\"conv\":\"" + conv + "\",\"labels\":[\"vip\",\"billing\",\"vip\"]}");
    ChatEvent.Conversation e = nextLabelled(maya);
    assertThat(e.conv()).isEqualTo(conv);
    assertThat(e.labels()).as("sorted, once each").containsExactly("billing", "vip");
    assertThat(h.chatStore.find(conv).get().orElseThrow().labels())
        .containsExactly("billing", "vip");

    maya.send(
        "{\"type\":\"label\",\"ref\":\"bad\",\"conv\":\"" + conv + "\",\"labels\":[\"VIP\"]}");
    Push.Error bad = maya.nextOf(Push.Error.class);
    assertThat(bad.code()).isEqualTo("invalid_field");
    assertThat(bad.field()).isEqualTo("labels");
    assertThat(bad.ref()).isEqualTo("bad");
    StringBuilder eleven = new StringBuilder();
    for (int i = 0; i < 11; i++) {
      eleven.append(i == 0 ? "" : ",").append("\"l").append(i).append('"');
    }
    maya.send(
        "{\"type\":\"label\",\"ref\":\"many\",\"conv\":\""
            + conv
            + "\",\"labels\":["
            + eleven
            + "]}");
    Push.Error many = maya.nextOf(Push.Error.class);
    assertThat(many.field()).isEqualTo("labels");
    assertThat(many.message()).contains("at most 10");

    ChatHarness.Client olga = h.agent("olga");
    olga.send("{\"type\":\"label\",\"ref\":\"o\",\"conv\":\"" + conv + "\",\"labels\":[\"x\"]}");
    assertThat(olga.nextOf(Push.Error.class).code()).isEqualTo("forbidden");
    v.send("{\"type\":\"label\",\"ref\":\"v\",\"conv\":\"" + conv + "\",\"labels\":[\"x\"]}");
    assertThat(v.nextOf(Push.Error.class).code()).isEqualTo("forbidden");
    assertThat(h.chatStore.find(conv).get().orElseThrow().labels())
        .containsExactly("billing", "vip");

    // Removing all of them: the agents see an empty list; the visitor saw no label at any time.
    maya.send("{\"type\":\"label\",\"conv\":\"" + conv + "\",\"labels\":[]}");
    ChatEvent.Conversation cleared;
    do {
      cleared = maya.nextOf(ChatEvent.Conversation.class);
    } while (cleared.labels() == null || !cleared.labels().isEmpty());
    assertThat(h.chatStore.find(conv).get().orElseThrow().labels()).isEmpty();
    v.send("{\"type\":\"ping\",\"ref\":\"end\"}");
    for (Push p = v.next(); !(p instanceof Push.Pong); p = v.next()) {
      if (p instanceof ChatEvent.Conversation c) {
        assertThat(c.labels()).as("a visitor's view has no labels").isNull();
      }
    }
  }
}
