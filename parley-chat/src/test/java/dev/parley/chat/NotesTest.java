package dev.parley.chat;

import static dev.parley.chat.VisitorFlowTest.greeted;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.core.StoredMessage;
import dev.parley.protocol.Push;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Internal notes ({@link Notes}): the staff-only companion stream of a conversation — who may join
 * and write it, its own delivery contract, and a visitor's stream that never holds a note nor skips
 * a seq.
 */
@Timeout(30)
class NotesTest {
  ChatHarness h;

  @BeforeEach
  void start() {
    h =
        new ChatHarness(
            ChatConfig.defaults(),
            ChatHarness.agent("maya", 2),
            ChatHarness.agent("sam", 2),
            new Agent("olga", "Olga", Set.of("elsewhere"), 2, "-"));
  }

  @AfterEach
  void stop() {
    h.close();
  }

  /** A visitor that said hi and whose conversation maya accepted; returns its id. */
  String assigned(ChatHarness.Client v, ChatHarness.Client maya) throws Exception {
    String conv = greeted(v);
    v.send("{\"type\":\"send\",\"cid\":\"c0\",\"conv\":\"" + conv + "\",\"text\":\"hi\"}");
    v.nextOf(Push.Ack.class);
    maya.send("{\"type\":\"accept\",\"conv\":\"" + conv + "\"}");
    AgentRoutingTest.awaitStatus(v, conv, "assigned");
    return conv;
  }

  static String send(String conv, String cid, String text) {
    return "{\"type\":\"send\",\"cid\":\""
        + cid
        + "\",\"conv\":\""
        + conv
        + "\",\"text\":\""
        + text
        + "\"}";
  }

  static Push.Joined joined(ChatHarness.Client c, String conv) throws InterruptedException {
    while (true) {
      Push.Joined j = c.nextOf(Push.Joined.class);
      if (j.conv().equals(conv)) {
        return j;
      }
    }
  }

  static Push.Message nextIn(ChatHarness.Client c, String conv) throws InterruptedException {
    while (true) {
      Push.Message m = c.nextOf(Push.Message.class);
      if (m.conv().equals(conv)) {
        return m;
      }
    }
  }

  @Test
  void aNoteIsAckedDedupedAndSeenByTheSitesAgentsButNeverByTheVisitor() throws Exception {
    ChatHarness.Client maya = h.agent("maya");
    ChatHarness.Client v = h.visitor();
    String conv = assigned(v, maya);
    String notes = Notes.of(conv);

    maya.send("{\"type\":\"join\",\"conv\":\"" + notes + "\",\"after\":0}");
    assertThat(joined(maya, notes).lastSeq()).isZero();
    maya.send(send(notes, "n1", "VIP customer, be nice"));
    Push.Ack ack = maya.nextOf(Push.Ack.class);
    assertThat(ack.conv()).isEqualTo(notes);
    assertThat(ack.seq()).as("the notes have their own seq, from 1").isEqualTo(1);
    maya.send(send(notes, "n1", "VIP customer, be nice"));
    Push.Ack again = maya.nextOf(Push.Ack.class);
    assertThat(again.seq()).as("the same cid stores nothing new").isEqualTo(1);
    assertThat(again.id()).isEqualTo(ack.id());
    maya.send("{\"type\":\"join\",\"conv\":\"" + conv + "\",\"after\":0}");
    joined(maya, conv);
    maya.send(send(conv, "m1", "Hello, I am Maya"));
    Push.Message m;
    do {
      m = nextIn(v, conv); // the visitor's own "hi" may come after its ack
    } while (!m.kind().equals("text") || !m.from().equals("maya"));
    assertThat(m.text())
        .as("the visitor's next message is maya's reply")
        .isEqualTo("Hello, I am Maya");

    // sam, another agent of the site, not assigned: resumes the notes from 0 and writes one too.
    ChatHarness.Client sam = h.agent("sam");
    sam.send("{\"type\":\"join\",\"conv\":\"" + notes + "\",\"after\":0}");
    Push.Message seen = nextIn(sam, notes);
    assertThat(seen.seq()).isEqualTo(1);
    assertThat(seen.text()).isEqualTo("VIP customer, be nice");
    assertThat(seen.from()).isEqualTo("maya");
    sam.send(send(notes, "s1", "they called yesterday"));
    assertThat(sam.nextOf(Push.Ack.class).seq()).isEqualTo(2);
    Push.Message toMaya;
    do {
      toMaya = nextIn(maya, notes); // her own note's echo may come after the frames read since
    } while (toMaya.seq() < 2);
    assertThat(toMaya.text()).as("live to the other agents").isEqualTo("they called yesterday");

    // The visitor cannot join the notes, and its own stream, resumed from 0, has no note and no
    // gap.
    v.send("{\"type\":\"join\",\"ref\":\"peek\",\"conv\":\"" + notes + "\",\"after\":0}");
    Push.Error refused = v.nextOf(Push.Error.class);
    assertThat(refused.code()).isEqualTo("forbidden");
    assertThat(refused.ref()).isEqualTo("peek");
    v.send(send(notes, "v1", "let me in"));
    assertThat(v.nextOf(Push.Error.class).code()).isEqualTo("not_joined");
    List<StoredMessage> visible = h.store.readAfter(conv, 0, 100);
    assertThat(visible)
        .extracting(StoredMessage::seq)
        .containsExactlyElementsOf(LongStream.rangeClosed(1, visible.size()).boxed().toList());
    assertThat(visible)
        .extracting(StoredMessage::text)
        .doesNotContain("VIP customer, be nice", "they called yesterday");
    assertThat(h.store.readAfter(notes, 0, 100))
        .extracting(StoredMessage::text)
        .containsExactly("VIP customer, be nice", "they called yesterday");
    assertThat(h.events)
        .as("integrations hear of no note")
        .noneMatch(e -> e.message() != null && Notes.isNotes(e.message().conversation()));
  }

  @Test
  void agentsOfAnotherSiteNeitherJoinNorWriteAndANoteHasTheMessageLimit() throws Exception {
    ChatHarness.Client maya = h.agent("maya");
    ChatHarness.Client v = h.visitor();
    String conv = assigned(v, maya);
    String notes = Notes.of(conv);

    ChatHarness.Client olga = h.agent("olga");
    olga.send("{\"type\":\"join\",\"ref\":\"j\",\"conv\":\"" + notes + "\",\"after\":0}");
    assertThat(olga.nextOf(Push.Error.class).code()).isEqualTo("forbidden");

    ChatHarness.Client other = h.visitor();
    other.send("{\"type\":\"join\",\"ref\":\"j\",\"conv\":\"" + notes + "\"}");
    assertThat(other.nextOf(Push.Error.class).code()).isEqualTo("forbidden");

    maya.send("{\"type\":\"join\",\"conv\":\"chat_nosuch:notes\",\"ref\":\"n\"}");
    Push.Error none = maya.nextOf(Push.Error.class);
    assertThat(none.code()).as("no conversation, no notes").isEqualTo("forbidden");

    maya.send("{\"type\":\"join\",\"conv\":\"" + notes + "\"}");
    joined(maya, notes);
    maya.send(send(notes, "long", "x".repeat(4001)));
    Push.Error tooLong = maya.nextOf(Push.Error.class);
    assertThat(tooLong.code()).isEqualTo("too_long");
    assertThat(tooLong.cid()).isEqualTo("long");
    assertThat(h.store.readAfter(notes, 0, 10)).isEmpty();
  }

  @Test
  void openChannelsDoNotOpenTheNotes() throws Exception {
    h.close();
    h =
        new ChatHarness(
            new ChatConfig(true, Duration.ofSeconds(20), Duration.ofMinutes(3), false, false),
            ChatHarness.agent("maya", 2));
    ChatHarness.Client maya = h.agent("maya");
    ChatHarness.Client v = h.visitor();
    String conv = assigned(v, maya);
    v.send("{\"type\":\"join\",\"ref\":\"open\",\"conv\":\"lobby\"}");
    assertThat(joined(v, "lobby").conv()).as("open channels are on").isEqualTo("lobby");
    v.send("{\"type\":\"join\",\"ref\":\"peek\",\"conv\":\"" + Notes.of(conv) + "\"}");
    Push.Error refused = v.nextOf(Push.Error.class);
    assertThat(refused.code()).isEqualTo("forbidden");
    assertThat(refused.ref()).isEqualTo("peek");
  }
}
