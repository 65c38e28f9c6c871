package dev.parley.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.protocol.MessageMeta.Attachment;
import dev.parley.protocol.MessageMeta.Source;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessageMetaTest {
  private final Codec codec = new Codec();

  private static Source source(int i) {
    return new Source("Doc " + i, "https://docs.example.com/" + i, null);
  }

  @Test
  void theMessageEventCarriesMetaAndLeavesItOutWhenThereIsNone() {
    MessageMeta meta =
        new MessageMeta(
            List.of(
                new Source("Pricing", "https://x.example/pricing", "Plans start at"),
                new Source("handbook.pdf", null, null)));
    Push.Message with = new Push.Message("c", 3, "m_1", "bot", "bot", "hi", 9, null, null, meta);
    assertThat(new String(codec.encode(with), StandardCharsets.UTF_8))
        .endsWith(
            ",\"meta\":{\"sources\":[{\"title\":\"Pricing\",\"url\":\"https://x.example/pricing\","
                + "\"snippet\":\"Plans start at\"},{\"title\":\"handbook.pdf\"}]}}");
    assertThat(codec.decodePush(new String(codec.encode(with), StandardCharsets.UTF_8)))
        .isEqualTo(with);
    Push.Message without = new Push.Message("c", 3, "m_1", "u", "text", "hi", 9, "k", null);
    assertThat(new String(codec.encode(without), StandardCharsets.UTF_8)).doesNotContain("meta");
  }

  @Test
  void fieldsAReaderDoesNotKnowAreIgnoredSoMetaCanGrow() {
    MessageMeta read =
        MessageMeta.fromJson(
            "{\"sources\":[{\"title\":\"A\",\"future\":1}],\"voice\":[{\"name\":\"x.ogg\"}]}");
    assertThat(read).isEqualTo(new MessageMeta(List.of(new Source("A", null, null))));
    assertThat(MessageMeta.fromJson("{}")).isNull();
    assertThat(MessageMeta.fromJson(null)).isNull();
    assertThat(MessageMeta.fromJson(read.toJson())).isEqualTo(read);
  }

  @Test
  void aSourceRefusesWhatBreaksItsLimitsNamingTheField() {
    assertThatThrownBy(() -> new Source(" ", null, null)).hasMessage("title is missing");
    assertThatThrownBy(() -> new Source("t".repeat(201), null, null))
        .hasMessage("title is longer than 200 characters");
    for (String bad :
        List.of(
            "javascript:alert(1)",
            "data:text/html,x",
            "/relative",
            "ftp://x.example/f",
            "https://x.example/" + "p".repeat(2048))) {
      assertThatThrownBy(() -> new Source("t", bad, null))
          .hasMessageStartingWith("url must be an absolute http or https URL");
    }
    assertThatThrownBy(() -> new Source("t", null, "s".repeat(301)))
        .hasMessage("snippet is longer than 300 characters");
    assertThat(new Source("t", "HTTP://x.example", null).url()).isEqualTo("HTTP://x.example");
  }

  @Test
  void metaRefusesMoreThanFiveSourcesAndMoreThanEightKibibytes() {
    List<Source> six = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      six.add(source(i));
    }
    assertThatThrownBy(() -> new MessageMeta(six))
        .hasMessage("sources holds at most 5 entries, not 6");
    List<Source> big = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      big.add(new Source("t" + i, "https://x.example/" + "p".repeat(1900), "s".repeat(300)));
    }
    assertThatThrownBy(() -> new MessageMeta(big))
        .hasMessageStartingWith("meta is larger than 8192");
  }

  @Test
  void citingKeepsTheFirstFiveDistinctDocumentsThatFit() {
    List<Source> found = new ArrayList<>();
    found.add(source(1));
    found.add(null);
    found.add(new Source("Doc 1", "https://docs.example.com/1", "another passage"));
    for (int i = 2; i <= 7; i++) {
      found.add(source(i));
    }
    assertThat(MessageMeta.citing(found).sources())
        .containsExactly(source(1), source(2), source(3), source(4), source(5));
    assertThat(MessageMeta.citing(List.of())).isNull();

    List<Source> big = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      big.add(new Source("t" + i, "https://x.example/" + "p".repeat(1900), "s".repeat(300)));
    }
    MessageMeta fitted = MessageMeta.citing(big);
    assertThat(fitted.sources())
        .hasSizeBetween(1, 4)
        .isEqualTo(big.subList(0, fitted.sources().size()));
  }

  @Test
  void fittedShortensTextAndLeavesOutAnAddressThatIsNotWeb() {
    Source s = Source.fitted("  " + "T".repeat(300) + " ", "file:///etc/passwd", "x".repeat(400));
    assertThat(s.title()).hasSize(200).endsWith("…");
    assertThat(s.url()).isNull();
    assertThat(s.snippet()).hasSize(300).endsWith("…");
    assertThat(Source.fitted(null, "https://x.example", null)).isNull();
    assertThat(Source.fitted("Guide", "https://x.example/g", " ").snippet()).isNull();
  }

  static String fileId(int i) {
    return "f_" + "A".repeat(19) + String.format("%03d", i);
  }

  @Test
  void attachmentsTravelInTheMessageEventAndComeBackFromTheStoredJson() {
    MessageMeta meta =
        MessageMeta.attaching(
            List.of(
                new Attachment(fileId(1), "shot.png", "image/png", 2048, 640, 480, true),
                new Attachment(fileId(2), "a.pdf", "application/pdf", 9, null, null, false)));
    Push.Message m = new Push.Message("c", 3, "m_1", "v", "text", "", 9, "k", null, meta);
    String json = new String(codec.encode(m), StandardCharsets.UTF_8);
    assertThat(json)
        .endsWith(
            ",\"meta\":{\"attachments\":[{\"id\":\""
                + fileId(1)
                + "\",\"name\":\"shot.png\",\"type\":\"image/png\",\"size\":2048,"
                + "\"width\":640,\"height\":480,\"thumbnail\":true},{\"id\":\""
                + fileId(2)
                + "\",\"name\":\"a.pdf\",\"type\":\"application/pdf\",\"size\":9,"
                + "\"thumbnail\":false}]}}");
    assertThat(codec.decodePush(json)).isEqualTo(m);
    assertThat(MessageMeta.fromJson(meta.toJson())).isEqualTo(meta);
    assertThat(MessageMeta.attaching(List.of())).isNull();
  }

  @Test
  void anAttachmentRefusesWhatBreaksItsLimitsAndAFittedNameIsShortened() {
    assertThatThrownBy(() -> new Attachment("f_x", "a", "text/plain", 1, null, null, false))
        .hasMessage("id is not a file id");
    assertThatThrownBy(() -> new Attachment(fileId(1), " ", "text/plain", 1, null, null, false))
        .hasMessage("name must be 1 to 120 characters");
    assertThatThrownBy(() -> new Attachment(fileId(1), "a", "text/html;x", 1, null, null, false))
        .hasMessage("type is not a media type");
    assertThatThrownBy(() -> new Attachment(fileId(1), "a", "image/png", 1, 5, null, true))
        .hasMessage("width and height are both absent or both >= 1");
    assertThat(
            Attachment.fitted(fileId(1), "n".repeat(300), "text/plain", 1, null, null, false)
                .name())
        .hasSize(120)
        .endsWith("…");
  }

  @Test
  void metaRefusesMoreThanTwentyAttachmentsAndAFileTwiceAndTheLargestTwentyFit() {
    List<Attachment> worst = new ArrayList<>();
    for (int i = 0; i < MessageMeta.MAX_ATTACHMENTS + 1; i++) {
      worst.add(
          new Attachment(
              fileId(i),
              "€".repeat(Attachment.MAX_NAME_CHARS),
              "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
              Long.MAX_VALUE,
              Integer.MAX_VALUE,
              Integer.MAX_VALUE,
              true));
    }
    assertThatThrownBy(() -> MessageMeta.attaching(worst))
        .hasMessage("attachments holds at most 20 entries, not 21");
    MessageMeta twenty = MessageMeta.attaching(worst.subList(0, 20));
    assertThat(twenty.toJson().getBytes(StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(MessageMeta.MAX_JSON_BYTES);
    assertThatThrownBy(() -> MessageMeta.attaching(List.of(worst.get(0), worst.get(0))))
        .hasMessage("attachments names a file twice");
  }

  @Test
  void transcriptsAreShortenedLongestFirstUntilTheMetaFits() {
    String said = "€".repeat(Attachment.MAX_TRANSCRIPT_CHARS);
    List<Attachment> notes = new ArrayList<>();
    for (int i = 0; i < MessageMeta.MAX_ATTACHMENTS; i++) {
      notes.add(
          new Attachment(fileId(i), "voice.ogg", "audio/ogg", 9000, null, null, false)
              .withAudio(12.5, said + "!", null));
    }
    assertThat(notes.get(0).transcript()).as("fitted to its bound").hasSize(said.length());

    MessageMeta one = MessageMeta.attaching(notes.subList(0, 1));
    assertThat(one.attachments().get(0).transcript()).as("one fits whole").hasSize(said.length());
    MessageMeta all = MessageMeta.attaching(notes);
    assertThat(all.toJson().getBytes(StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(MessageMeta.MAX_JSON_BYTES);
    assertThat(all.attachments()).allSatisfy(a -> assertThat(a.duration()).isEqualTo(12.5));
    assertThat(all.attachments().get(0).transcript()).startsWith("€€€").endsWith("…");
    assertThat(MessageMeta.fromJson(one.toJson())).isEqualTo(one);
    assertThatThrownBy(
            () ->
                new Attachment(
                    fileId(0), "v.ogg", "audio/ogg", 1, null, null, false, null, said + "!", null))
        .hasMessageContaining("transcript");
  }
}
