package dev.parley.chat;

import static dev.parley.chat.VisitorFlowTest.greeted;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.core.StoredMessage;
import dev.parley.protocol.MessageMeta;
import dev.parley.protocol.MessageMeta.Attachment;
import dev.parley.protocol.Push;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Messages that carry files (docs/PROTOCOL.md#attachments), in the chat layer with in-memory ports
 * and a manual clock: a {@code send} names files its sender uploaded to the conversation, the
 * stored message's meta describes them, and every refusal names its code and stores nothing.
 */
@Timeout(30)
class AttachmentsTest {
  ChatHarness h =
      new ChatHarness(
          ChatConfig.defaults(),
          List.of(
              new Site(
                      "demo",
                      "Demo",
                      List.of("*"),
                      ChatHarness.GREETING,
                      "Bot",
                      0.5,
                      BusinessHours.always())
                  .withFiles(
                      new FileLimits(
                          FileLimits.DEFAULTS.maxBytes(), FileLimits.SUPPORTED_TYPES, 3))),
          ChatHarness.agent("maya", 2));

  int files;

  @AfterEach
  void close() {
    h.close();
  }

  /** A file {@code uploader} stored in {@code conv}, as the upload API stores it. */
  StoredFile upload(String conv, String uploader, String name, boolean image) {
    String id = "f_" + "x".repeat(19) + String.format("%03d", files++);
    StoredFile f =
        new StoredFile(
            id,
            "demo",
            conv,
            uploader,
            "k" + files,
            name,
            image ? "image/png" : "application/pdf",
            image ? 2048 : 9000,
            "00".repeat(32),
            image ? 640 : null,
            image ? 480 : null,
            image ? id + "_t" : null,
            h.clock.millis());
    return h.chat.files().save(f, new byte[] {1}, image ? new byte[] {2} : null).join().file();
  }

  /**
   * A visitor whose conversation exists: its first message was stored and the bot's answer to it
   * too. Returns its id.
   */
  String started(ChatHarness.Client v) throws Exception {
    String conv = greeted(v);
    v.send(send(conv, "c0", "hi", List.of()));
    v.nextOf(Push.Ack.class);
    while (!v.nextOf(Push.Message.class).kind().equals("bot")) {
      // the visitor's own message comes first
    }
    h.bot.asked.poll(5, TimeUnit.SECONDS);
    return conv;
  }

  static String send(String conv, String cid, String text, List<String> ids) {
    return "{\"type\":\"send\",\"cid\":\""
        + cid
        + "\",\"conv\":\""
        + conv
        + "\",\"text\":\""
        + text
        + "\",\"attachments\":["
        + String.join(",", ids.stream().map(i -> "\"" + i + "\"").toList())
        + "]}";
  }

  List<StoredMessage> stored(String conv) {
    return h.node.store().readAfter(conv, 0, 100);
  }

  static String user(ChatHarness.Client c) {
    return c.session().principal().user();
  }

  @Test
  void aMessageOfFilesOnlyIsStoredWithTheirMetadataAndReachesTheBot() throws Exception {
    ChatHarness.Client v = h.visitor();
    String conv = started(v);
    StoredFile shot = upload(conv, user(v), "screenshot.png", true);
    StoredFile pdf = upload(conv, user(v), "invoice.pdf", false);

    v.send(send(conv, "c1", "", List.of(shot.id(), pdf.id())));
    Push.Ack ack = v.nextOf(Push.Ack.class);

    List<Attachment> expected =
        List.of(
            new Attachment(shot.id(), "screenshot.png", "image/png", 2048, 640, 480, true),
            new Attachment(pdf.id(), "invoice.pdf", "application/pdf", 9000, null, null, false));
    StoredMessage m = stored(conv).stream().filter(s -> s.seq() == ack.seq()).findFirst().get();
    assertThat(m.text()).isEmpty();
    assertThat(m.meta().attachments()).isEqualTo(expected);
    Bot.Question q = h.bot.asked.poll(5, TimeUnit.SECONDS);
    assertThat(q.text()).isEmpty();
    assertThat(q.attachments()).isEqualTo(expected);
  }

  @Test
  void aVoiceNoteCarriesItsTranscriptAndDurationAndTheBotHearsItAsTheQuestion() throws Exception {
    ChatHarness.Client v = h.visitor();
    String conv = started(v);
    String id = "f_" + "v".repeat(22);
    StoredFile note =
        new StoredFile(
            id,
            "demo",
            conv,
            user(v),
            "kv",
            "voice.wav",
            "audio/wav",
            16044,
            "00".repeat(32),
            null,
            null,
            null,
            h.clock.millis(),
            1.0,
            null,
            null);
    h.chat.files().save(note, new byte[] {1}, null).join();
    h.chat.files().transcribed(id, "Do you ship to Canada?", null).join();

    v.send(send(conv, "c1", "", List.of(id)));
    Push.Ack ack = v.nextOf(Push.Ack.class);

    Attachment expected =
        new Attachment(
            id,
            "voice.wav",
            "audio/wav",
            16044,
            null,
            null,
            false,
            1.0,
            "Do you ship to Canada?",
            null);
    StoredMessage m = stored(conv).stream().filter(s -> s.seq() == ack.seq()).findFirst().get();
    assertThat(m.meta().attachments()).containsExactly(expected);
    assertThat(m.meta().toJson()).contains("\"transcript\":\"Do you ship to Canada?\"");
    Bot.Question q = h.bot.asked.poll(5, TimeUnit.SECONDS);
    assertThat(q.text()).isEmpty();
    assertThat(q.said()).as("what the bot answers").isEqualTo("Do you ship to Canada?");
  }

  @Test
  void theMessageEventCarriesTheAttachmentsToTheAssignedAgentAndTheAgentMaySendFilesToo()
      throws Exception {
    ChatHarness.Client v = h.visitor();
    ChatHarness.Client maya = h.agent("maya");
    String conv = started(v);
    maya.send("{\"type\":\"accept\",\"conv\":\"" + conv + "\"}");
    AgentRoutingTest.awaitStatus(v, conv, "assigned");
    maya.send("{\"type\":\"join\",\"conv\":\"" + conv + "\",\"after\":0}");
    StoredFile shot = upload(conv, user(v), "screenshot.png", true);

    v.send(send(conv, "c1", "look", List.of(shot.id())));
    Push.Message seen = withAttachments(maya, conv, user(v));
    assertThat(seen.text()).isEqualTo("look");
    assertThat(seen.meta().attachments()).extracting(Attachment::id).containsExactly(shot.id());

    StoredFile reply = upload(conv, "maya", "manual.pdf", false);
    maya.send(send(conv, "m1", "here you go", List.of(reply.id())));
    Push.Message back = withAttachments(v, conv, "maya");
    assertThat(back.from()).isEqualTo("maya");
    assertThat(back.meta().attachments())
        .containsExactly(
            new Attachment(reply.id(), "manual.pdf", "application/pdf", 9000, null, null, false));
  }

  /** The next message of {@code from} in {@code conv} that carries files. */
  static Push.Message withAttachments(ChatHarness.Client c, String conv, String from)
      throws InterruptedException {
    while (true) {
      Push.Message m = c.nextOf(Push.Message.class);
      if (m.conv().equals(conv)
          && m.from().equals(from)
          && m.meta() != null
          && !m.meta().attachments().isEmpty()) {
        return m;
      }
    }
  }

  @Test
  void aResentCidWithAttachmentsIsTheSameMessage() throws Exception {
    ChatHarness.Client v = h.visitor();
    String conv = started(v);
    StoredFile f = upload(conv, user(v), "a.pdf", false);

    v.send(send(conv, "c1", "", List.of(f.id())));
    Push.Ack first = v.nextOf(Push.Ack.class);
    v.send(send(conv, "c1", "", List.of(f.id())));
    Push.Ack again = v.nextOf(Push.Ack.class);

    assertThat(again.seq()).isEqualTo(first.seq());
    assertThat(again.id()).isEqualTo(first.id());
    assertThat(stored(conv).stream().filter(m -> "c1".equals(m.cid()))).hasSize(1);
  }

  @Test
  void aFileThatIsNotTheSendersInThisConversationIsRefusedAsUnknownAndNothingIsStored()
      throws Exception {
    ChatHarness.Client v = h.visitor();
    String conv = started(v);
    ChatHarness.Client other = h.visitor();
    String otherConv = started(other);
    StoredFile elsewhere = upload(otherConv, user(other), "theirs.pdf", false);
    StoredFile agents = upload(conv, "maya", "agents.pdf", false);
    StoredFile erased = upload(conv, user(v), "gone.pdf", false);
    h.fileRecords.delete(erased.id()).join();
    StoredFile mine = upload(conv, user(v), "mine.pdf", false);
    int before = stored(conv).size();

    for (String bad : List.of("f_" + "n".repeat(22), elsewhere.id(), agents.id(), erased.id())) {
      v.send(send(conv, "x" + bad.hashCode(), "see", List.of(mine.id(), bad)));
      Push.Error e = v.nextOf(Push.Error.class);
      assertThat(e.code()).isEqualTo("unknown_file");
      assertThat(e.field()).isEqualTo("attachments");
      assertThat(e.cid()).isEqualTo("x" + bad.hashCode());
      assertThat(e.message()).contains(bad);
      assertThat(e.retry()).isFalse();
    }
    assertThat(stored(conv)).hasSize(before);
  }

  @Test
  void moreFilesThanTheSiteAllowsAreRefusedAndSoAreMoreThanTheProtocolsBound() throws Exception {
    ChatHarness.Client v = h.visitor();
    String conv = started(v);
    List<String> four = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      four.add(upload(conv, user(v), "f" + i + ".pdf", false).id());
    }
    int before = stored(conv).size();

    v.send(send(conv, "c4", "", four));
    Push.Error site = v.nextOf(Push.Error.class);
    assertThat(site.code()).isEqualTo("too_many_attachments");
    assertThat(site.message()).contains("at most 3 files");

    List<String> many = new ArrayList<>();
    for (int i = 0; i < MessageMeta.MAX_ATTACHMENTS + 1; i++) {
      many.add("f_" + "m".repeat(19) + String.format("%03d", i));
    }
    v.send(send(conv, "c21", "", many));
    Push.Error bound = v.nextOf(Push.Error.class);
    assertThat(bound.code()).isEqualTo("too_many_attachments");
    assertThat(bound.message()).contains("at most 20 files");
    assertThat(stored(conv)).hasSize(before);

    v.send(send(conv, "c3", "", four.subList(0, 3)));
    assertThat(v.nextOf(Push.Ack.class).cid()).isEqualTo("c3");
  }

  @Test
  void anEmptyTextIsStillRefusedWithoutAttachmentsAndAFileIsNamedOnce() throws Exception {
    ChatHarness.Client v = h.visitor();
    String conv = started(v);
    StoredFile f = upload(conv, user(v), "a.pdf", false);

    v.send(send(conv, "e", " ", List.of()));
    Push.Error blank = v.nextOf(Push.Error.class);
    assertThat(blank.code()).isEqualTo("invalid_field");
    assertThat(blank.field()).isEqualTo("text");

    v.send(send(conv, "d", "", List.of(f.id(), f.id())));
    Push.Error twice = v.nextOf(Push.Error.class);
    assertThat(twice.code()).isEqualTo("invalid_field");
    assertThat(twice.field()).isEqualTo("attachments");

    v.send(send(conv, "n", "", List.of("../etc/passwd")));
    assertThat(v.nextOf(Push.Error.class).field()).isEqualTo("attachments");
  }
}
