package dev.parley.bots;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.AttachmentReader;
import dev.parley.chat.Bot;
import dev.parley.chat.InMemoryFileRecords;
import dev.parley.chat.InMemoryFileStore;
import dev.parley.chat.Site;
import dev.parley.chat.StoredFile;
import dev.parley.core.ManualClock;
import dev.parley.core.StoredMessage;
import dev.parley.protocol.MessageMeta;
import dev.parley.protocol.openai.ChatCompletions;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The LLM bot's image inputs against the streaming stand-in, reading files from the in-memory
 * store: the request's content parts, their bound, the thumbnail of a large image, text alone when
 * off, and the answer without images when the model refuses them.
 */
@Timeout(30)
class LlmImageInputsTest {
  static final String CONV = "chat_shop_v1";
  static final String ASKED = "What is the heartbeat?";

  final ManualClock clock = new ManualClock();
  final InMemoryFileStore bytes = new InMemoryFileStore();
  final InMemoryFileRecords records = new InMemoryFileRecords();
  final AttachmentReader files = AttachmentReader.over(bytes, records);
  final List<String> pieces = new CopyOnWriteArrayList<>();
  final Bot.AnswerSink sink =
      new Bot.AnswerSink() {
        @Override
        public boolean delta(String text) {
          pieces.add(text);
          return true;
        }

        @Override
        public boolean cancelled() {
          return false;
        }

        @Override
        public void cite(MessageMeta meta) {}
      };
  FakeLlmServer llm;
  int fileCount;

  @BeforeEach
  void start() throws Exception {
    llm = new FakeLlmServer();
  }

  @AfterEach
  void stop() {
    llm.close();
  }

  LlmBot bot(boolean imageInputs) {
    return new LlmBot(
        new LlmBot.Config(
                llm.baseUrl(),
                "m",
                null,
                Duration.ofSeconds(5),
                Duration.ofSeconds(5),
                Duration.ofHours(1),
                2)
            .withImageInputs(imageInputs),
        KnowledgeBaseTest.DEMO,
        clock,
        files);
  }

  /** A PNG of {@code w} × {@code h} pixels, as the upload pipeline stores one. */
  static byte[] png(int w, int h) throws Exception {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, (x * 31 + y * 17) * 0x10101); // noise: compresses badly
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }

  /** Stores {@code content} (and a thumbnail, or null) in {@code conv}; its attachment. */
  MessageMeta.Attachment stored(String conv, String name, String type, byte[] content, byte[] thumb)
      throws Exception {
    String id = "f_" + "%022d".formatted(++fileCount);
    String thumbId = thumb == null ? null : id + "_t";
    bytes.put(id, content);
    if (thumb != null) {
      bytes.put(thumbId, thumb);
    }
    records
        .insert(
            new StoredFile(
                id,
                "shop",
                conv,
                "v1",
                "k" + id,
                name,
                type,
                content.length,
                "00",
                8,
                8,
                thumbId,
                1))
        .get();
    return new MessageMeta.Attachment(id, name, type, content.length, 8, 8, thumb != null);
  }

  static StoredMessage visitorSaid(long seq, String text, MessageMeta.Attachment... files) {
    return new StoredMessage(
        CONV,
        seq,
        "m" + seq,
        "v1",
        "c" + seq,
        "text",
        text,
        seq,
        null,
        files.length == 0 ? null : MessageMeta.attaching(List.of(files)));
  }

  static Bot.Question question(List<StoredMessage> history, List<MessageMeta.Attachment> attached) {
    return new Bot.Question(Site.demo(), CONV, ASKED, history, null, attached);
  }

  static String dataUrl(String type, byte[] b) {
    return "data:" + type + ";base64," + Base64.getEncoder().encodeToString(b);
  }

  List<ChatCompletions.Message> sent(int request) {
    return ChatCompletions.messagesOf(llm.bodies.get(request));
  }

  @Test
  void anImageOfTheQuestionGoesAsAnImagePartAfterItsText() throws Exception {
    byte[] screen = png(8, 8);
    MessageMeta.Attachment a = stored(CONV, "screen.png", "image/png", screen, null);
    try (LlmBot b = bot(true)) {
      assertThat(b.answer(question(List.of(), List.of(a)), sink).offerHuman()).isFalse();
    }
    String body = new String(llm.bodies.get(0), StandardCharsets.UTF_8);
    assertThat(body)
        .contains(
            "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\""
                + ASKED
                + "\\n[the visitor attached a file: screen.png, image/png]\"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\""
                + dataUrl("image/png", screen)
                + "\",\"detail\":\"auto\"}}]}");
    List<ChatCompletions.Message> sent = sent(0);
    assertThat(sent.get(0).images()).as("the system prompt is text").isEmpty();
    assertThat(String.join("", pieces)).endsWith("when it is stored.");
  }

  @Test
  void atMostFourImagesGoTheNewestFirst() throws Exception {
    List<StoredMessage> history = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      MessageMeta.Attachment a = stored(CONV, "old" + i + ".png", "image/png", png(4, i), null);
      history.add(visitorSaid(i, "look " + i, a));
      history.add(new StoredMessage(CONV, 10 + i, "b" + i, "bot", null, "bot", "I see.", 10, null));
    }
    MessageMeta.Attachment q1 = stored(CONV, "now1.png", "image/png", png(5, 5), null);
    MessageMeta.Attachment q2 = stored(CONV, "now2.png", "image/png", png(6, 6), null);
    try (LlmBot b = bot(true)) {
      b.answer(question(history, List.of(q1, q2)), sink);
    }
    List<ChatCompletions.Message> sent = sent(0);
    List<String> withImages =
        sent.stream().filter(m -> !m.images().isEmpty()).map(m -> m.content()).toList();
    assertThat(withImages)
        .as("the question's two, then the two newest earlier ones")
        .containsExactly(
            "look 3\n[the visitor attached a file: old3.png, image/png]",
            "look 4\n[the visitor attached a file: old4.png, image/png]",
            ASKED
                + "\n[the visitor attached a file: now1.png, image/png]"
                + "\n[the visitor attached a file: now2.png, image/png]");
    assertThat(sent.get(sent.size() - 1).images()).hasSize(2);
    assertThat(sent.stream().mapToInt(m -> m.images().size()).sum())
        .isEqualTo(ImageInputs.MAX_IMAGES);
    assertThat(sent)
        .as("an older image keeps its line")
        .contains(
            new ChatCompletions.Message(
                "user", "look 1\n[the visitor attached a file: old1.png, image/png]"));
  }

  @Test
  void anImageOverTheBoundGoesAsItsThumbnailAndOthersStayText() throws Exception {
    byte[] large = new byte[ImageInputs.MAX_BYTES + 1];
    byte[] thumb = png(4, 4);
    MessageMeta.Attachment big = stored(CONV, "big.jpg", "image/jpeg", large, thumb);
    MessageMeta.Attachment pdf =
        stored(
            CONV, "bill.pdf", "application/pdf", "%PDF-1.4".getBytes(StandardCharsets.UTF_8), null);
    MessageMeta.Attachment elsewhere =
        stored("chat_shop_v2", "x.png", "image/png", png(3, 3), null);
    try (LlmBot b = bot(true)) {
      b.answer(question(List.of(), List.of(big, pdf, elsewhere)), sink);
    }
    ChatCompletions.Message last = sent(0).get(sent(0).size() - 1);
    assertThat(last.images())
        .as("the thumbnail (a JPEG's is a JPEG); no PDF; no file of another conversation")
        .containsExactly(new ChatCompletions.Image(dataUrl("image/jpeg", thumb), "auto"));
    assertThat(last.content()).contains("[the visitor attached a file: bill.pdf, application/pdf]");
  }

  @Test
  void offTheRequestIsTextAlone() throws Exception {
    MessageMeta.Attachment a = stored(CONV, "screen.png", "image/png", png(8, 8), null);
    try (LlmBot b = bot(false)) {
      b.answer(question(List.of(visitorSaid(1, "see", a)), List.of(a)), sink);
    }
    assertThat(new String(llm.bodies.get(0), StandardCharsets.UTF_8)).doesNotContain("image_url");
    assertThat(sent(0).get(sent(0).size() - 1))
        .isEqualTo(
            new ChatCompletions.Message(
                "user", ASKED + "\n[the visitor attached a file: screen.png, image/png]"));
  }

  @Test
  void aModelThatRefusesImagesIsAskedAgainWithoutThemAndThenSentNoMore() throws Exception {
    llm.refuseImages(true);
    MessageMeta.Attachment a = stored(CONV, "screen.png", "image/png", png(8, 8), null);
    try (LlmBot b = bot(true)) {
      Bot.Result r = b.answer(question(List.of(), List.of(a)), sink);
      assertThat(r.offerHuman()).isFalse();
      assertThat(String.join("", pieces)).endsWith("when it is stored.");
      assertThat(llm.bodies).hasSize(2);
      assertThat(sent(0).get(sent(0).size() - 1).images()).hasSize(1);
      assertThat(sent(1))
          .as("the same request without its image parts")
          .containsExactlyElementsOf(
              sent(0).stream().map(ChatCompletions.Message::textOnly).toList());

      b.answer(question(List.of(visitorSaid(1, "see", a)), List.of(a)), sink);
      assertThat(llm.bodies).as("no more images: one request").hasSize(3);
      assertThat(sent(2).stream().allMatch(m -> m.images().isEmpty())).isTrue();
    }
  }

  @Test
  void anErrorThatIsNotAboutImagesIsNotRetried() throws Exception {
    llm.mode(FakeLlmServer.Mode.HTTP_400);
    MessageMeta.Attachment a = stored(CONV, "screen.png", "image/png", png(8, 8), null);
    try (LlmBot b = bot(true)) {
      assertThat(b.answer(question(List.of(), List.of(a)), sink).offerHuman()).isTrue();
    }
    assertThat(llm.bodies).hasSize(1);
    assertThat(pieces).containsExactly(LlmBot.FALLBACK);
  }

  @Test
  void theReaderReadsNothingOverItsBoundAndOnlyFilesThatAreStored() throws Exception {
    byte[] b = png(8, 8);
    MessageMeta.Attachment a = stored(CONV, "screen.png", "image/png", b, null);
    assertThat(files.read(a.id(), b.length)).hasValueSatisfying(r -> assertThat(r).isEqualTo(b));
    assertThat(files.read(a.id(), b.length - 1)).isEmpty();
    assertThat(files.find(a.id()))
        .hasValueSatisfying(f -> assertThat(f.size()).isEqualTo(b.length));
    assertThat(files.find("f_0000000000000000000000")).isEmpty();
    assertThat(AttachmentReader.NONE.find(a.id())).isEmpty();
  }

  @Test
  void refusalsAreToldFromOtherErrors() {
    assertThat(ChatCompletions.refusesImages(FakeLlmServer.IMAGES_REFUSED)).isTrue();
    assertThat(ChatCompletions.refusesImages("{\"error\":\"model does not support vision\"}"))
        .isTrue();
    assertThat(
            ChatCompletions.refusesImages("{\"error\":{\"message\":\"max_tokens is too large\"}}"))
        .isFalse();
    assertThat(ChatCompletions.refusesImages(null)).isFalse();
  }
}
