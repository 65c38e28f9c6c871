package dev.parley.chat;

import static dev.parley.chat.VisitorFlowTest.greeted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.parley.core.AppendRequest;
import dev.parley.core.StoredMessage;
import dev.parley.protocol.Push;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Data protection on the chat layer: exporting and erasing a visitor, deleting a conversation, with
 * the agent who shared the conversation reading it again.
 */
@Timeout(30)
class DataProtectionTest {
  ChatHarness h = new ChatHarness(ChatConfig.defaults(), ChatHarness.agent("maya", 2));

  @AfterEach
  void close() {
    h.close();
  }

  /** A visitor in a conversation maya was assigned and wrote in; returns its id. */
  String talking(ChatHarness.Client v, ChatHarness.Client maya) throws Exception {
    String conv = greeted(v);
    v.send("{\"type\":\"send\",\"cid\":\"c1\",\"conv\":\"" + conv + "\",\"text\":\"I am Ann\"}");
    v.nextOf(Push.Ack.class);
    v.send("{\"type\":\"handoff\",\"conv\":\"" + conv + "\"}");
    AgentRoutingTest.awaitStatus(v, conv, "assigned"); // maya is online: she gets it
    StaffWritesTest.joined(maya, conv);
    maya.send("{\"type\":\"send\",\"cid\":\"m1\",\"conv\":\"" + conv + "\",\"text\":\"Hi Ann\"}");
    maya.nextOf(Push.Ack.class);
    v.send("{\"type\":\"send\",\"cid\":\"c2\",\"conv\":\"" + conv + "\",\"text\":\"my IBAN\"}");
    v.nextOf(Push.Ack.class);
    v.send("{\"type\":\"receipt\",\"conv\":\"" + conv + "\",\"kind\":\"read\",\"seq\":1}");
    v.nextOf(Push.Receipt.class); // stored
    notesStored(conv, 2); // the handoff's ("You asked for a person…") and "Maya joined…"
    return conv;
  }

  /**
   * Waits until {@code conv} holds {@code n} system notes. A move's note is stored after the move
   * was announced (its status event can come first), so a test that counts or exports messages
   * waits for them. (A note whose move raced a delete is not left in the tombstone: {@link
   * ConversationLifecycleTest}.)
   */
  void notesStored(String conv, int n) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                h.store.readAfter(conv, 0, 100).stream()
                        .filter(m -> "system".equals(m.kind()))
                        .count()
                    >= n);
  }

  ChatHarness.Client ann() throws InterruptedException {
    ChatHarness.Client v = h.connect(Map.of());
    v.send("{\"type\":\"hello\",\"site\":\"demo\",\"token\":\"signed-in:demo:ann\"}");
    v.next(Push.Welcome.class);
    return v;
  }

  /** Every message {@code c} gets when it joins {@code conv} from the start. */
  static List<Push.Message> replay(ChatHarness.Client c, String conv) throws Exception {
    c.send("{\"type\":\"join\",\"ref\":\"again\",\"conv\":\"" + conv + "\",\"after\":0}");
    Push.Joined joined;
    do {
      joined = c.nextOf(Push.Joined.class);
    } while (!"again".equals(joined.ref()));
    List<Push.Message> out = new ArrayList<>();
    while (out.size() < joined.lastSeq()) {
      out.add(c.nextOf(Push.Message.class));
    }
    return out;
  }

  @Test
  void anErasedVisitorsMessagesAreTombstonesTheAgentStillReadsEverySeqInOrder() throws Exception {
    ChatHarness.Client maya = h.agent("maya");
    ChatHarness.Client v = ann();
    String conv = talking(v, maya);

    h.mails.setContact(conv, "demo", "ann@example.com", h.clock.millis()).join();
    DataProtection.Export before = h.chat.dataProtection().export("demo", "demo:ann").join();
    assertThat(before.conversations()).hasSize(1);
    assertThat(before.conversations().get(0).email()).isEqualTo("ann@example.com");
    assertThat(before.conversations().get(0).messages())
        .extracting(StoredMessage::text)
        .contains("I am Ann", "Hi Ann", "my IBAN");

    DataProtection.Erased erased = h.chat.dataProtection().erase("demo", "demo:ann").join();
    assertThat(erased.conversations()).isEqualTo(1);
    assertThat(h.mails.contactOf(conv).join()).as("the away-mail address is forgotten").isEmpty();
    assertThat(erased.messages()).isEqualTo(2);

    List<Push.Message> seen = replay(h.agent("maya"), conv);
    assertThat(seen).extracting(Push.Message::seq).containsExactlyElementsOf(seqs(seen.size()));
    assertThat(seen).extracting(Push.Message::text).doesNotContain("I am Ann", "my IBAN");
    assertThat(seen).extracting(Push.Message::text).contains("Hi Ann");
    assertThat(seen)
        .filteredOn(m -> "erased".equals(m.kind()))
        .hasSize(2)
        .allSatisfy(
            m -> {
              assertThat(m.from()).isEqualTo("erased");
              assertThat(m.text()).isEmpty();
              assertThat(m.cid()).isNull();
            });
    assertThat(h.store.receipts(conv)).extracting(r -> r.user()).doesNotContain("demo:ann");
    assertThat(h.chatStore.find(conv).join().orElseThrow().visitor())
        .isEqualTo(ChatStore.erasedVisitor(conv));
    assertThat(h.chat.dataProtection().export("demo", "demo:ann").join().conversations()).isEmpty();
  }

  @Test
  void anErasedVisitorWhoComesBackGetsANewConversationNotTheErasedOne() throws Exception {
    ChatHarness.Client maya = h.agent("maya");
    ChatHarness.Client v = ann();
    String conv = talking(v, maya);
    h.chat.dataProtection().erase("demo", "demo:ann").join();
    h.disconnect(v);

    ChatHarness.Client back = ann();
    String again = greeted(back);
    back.send("{\"type\":\"send\",\"cid\":\"c1\",\"conv\":\"" + again + "\",\"text\":\"hi\"}");
    back.nextOf(Push.Ack.class);

    assertThat(again).isNotEqualTo(conv);
    assertThat(h.chatStore.find(again).join().orElseThrow().visitor()).isEqualTo("demo:ann");
    assertThat(h.store.readAfter(conv, 0, 100)).extracting(StoredMessage::text).contains("Hi Ann");
  }

  @Test
  void deletingAConversationRemovesItsMessagesNotesReceiptsRatingAndOwner() throws Exception {
    ChatHarness.Client maya = h.agent("maya");
    ChatHarness.Client v = ann();
    String conv = talking(v, maya);
    assertThat(h.chat.dataProtection().deleteConversation(conv).join().existed())
        .as("an open conversation is not deleted")
        .isFalse();
    assertThat(h.store.readAfter(conv, 0, 100)).isNotEmpty();
    maya.send("{\"type\":\"resolve\",\"conv\":\"" + conv + "\"}");
    AgentRoutingTest.awaitStatus(v, conv, "resolved");
    notesStored(conv, 3); // and "Maya resolved…"
    h.chatStore.rate(new Rating(conv, "demo", true, "thanks", h.clock.millis())).join();
    h.store
        .append(new AppendRequest(Notes.of(conv), "maya", null, "text", "a note", h.clock.millis()))
        .join();

    DataProtection.Deleted d = h.chat.dataProtection().deleteConversation(conv).join();

    assertThat(d.existed()).isTrue();
    assertThat(d.messages()).isGreaterThanOrEqualTo(3);
    assertThat(h.store.readAfter(conv, 0, 100)).isEmpty();
    assertThat(h.store.readAfter(Notes.of(conv), 0, 100)).isEmpty();
    assertThat(h.store.receipts(conv)).isEmpty();
    assertThat(h.chatStore.find(conv).join().orElseThrow().visitor())
        .isEqualTo(ChatStore.deletedVisitor(conv));
    assertThat(h.chatStore.ratingOf(conv).join()).isEmpty();
    assertThat(h.chat.dataProtection().deleteConversation(conv).join().existed()).isFalse();
  }

  @Test
  void aDeletedConversationsIdIsNeverHandedOutAgainNorWrittenIn() throws Exception {
    ChatHarness.Client maya = h.agent("maya");
    ChatHarness.Client v = ann();
    String conv = talking(v, maya);
    maya.send("{\"type\":\"resolve\",\"conv\":\"" + conv + "\"}");
    AgentRoutingTest.awaitStatus(v, conv, "resolved");
    notesStored(conv, 3); // and "Maya resolved…"

    assertThat(h.chat.dataProtection().deleteConversation(conv).join().existed()).isTrue();

    // Still joined, the visitor cannot write in it: it is nobody's now.
    v.send("{\"type\":\"send\",\"cid\":\"c9\",\"conv\":\"" + conv + "\",\"text\":\"again\"}");
    assertThat(v.nextOf(Push.Error.class).code()).isEqualTo("forbidden");
    assertThat(h.store.readAfter(conv, 0, 100)).isEmpty();
    h.disconnect(v);

    ChatHarness.Client back = ann();
    String again = greeted(back);
    assertThat(again).isNotEqualTo(conv);
    back.send("{\"type\":\"send\",\"cid\":\"c1\",\"conv\":\"" + again + "\",\"text\":\"hi\"}");
    back.nextOf(Push.Ack.class);
    assertThat(h.chatStore.find(again).join().orElseThrow().visitor()).isEqualTo("demo:ann");
  }

  @Test
  void anExportLargerThanTheLimitIsRefused() throws Exception {
    ChatHarness.Client maya = h.agent("maya");
    String conv = talking(ann(), maya);
    DataProtection small =
        new DataProtection(
            h.chatStore,
            new Conversations(h.chatStore, h.shared, h.clock),
            h.store,
            null,
            new InMemoryMailStore(),
            new InMemoryVisitorContextStore(),
            null,
            (int) h.store.lastSeq(conv) - 1);

    assertThatThrownBy(() -> small.export("demo", "demo:ann").join())
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(DataProtection.TooLarge.class);
  }

  static List<Long> seqs(int n) {
    List<Long> out = new ArrayList<>();
    for (long i = 1; i <= n; i++) {
      out.add(i);
    }
    return out;
  }
}
