package dev.parley.protocol.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.protocol.Codec;
import dev.parley.protocol.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The bounds of {@code context} and the shape of {@code prechat}, as the codec decodes them. */
class VisitorCommandsTest {
  final Codec codec = ChatProtocol.codec();

  Object decode(String json) {
    return codec.decodeCommand(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aFullContextDecodes() {
    ChatCommand.Context c =
        (ChatCommand.Context)
            decode(
                "{\"type\":\"context\",\"conv\":\"chat_1\",\"url\":\"https://a.example/p?q=1#x\","
                    + "\"title\":\"P\",\"referrer\":\"\",\"timeZone\":\"America/Argentina/Buenos_Aires\","
                    + "\"utcOffsetMinutes\":-180,\"userAgent\":\"Mozilla/5.0\"}");
    assertThat(c.url()).isEqualTo("https://a.example/p?q=1#x");
    assertThat(c.utcOffsetMinutes()).isEqualTo(-180);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "\"url\":\"javascript:alert(1)\"|url",
        "\"url\":\"/relative\"|url",
        "\"referrer\":\"ftp://a.example/\"|referrer",
        "\"url\":\"https://a.example/ x\"|url",
        "\"timeZone\":\"Europe/Berlin; drop\"|timeZone",
        "\"utcOffsetMinutes\":841|utcOffsetMinutes",
        "\"title\":\"a\\nb\"|title",
        "\"userAgent\":\"x\\u0000\"|userAgent",
      })
  void aContextFieldOutOfBoundsIsNamed(String field, String name) {
    assertThatThrownBy(() -> decode("{\"type\":\"context\",\"conv\":\"chat_1\"," + field + "}"))
        .isInstanceOfSatisfying(
            ProtocolException.class, e -> assertThat(e.field()).isEqualTo(name));
  }

  @Test
  void overlongFieldsAreRefused() {
    String url = "https://a.example/" + "a".repeat(ChatCommand.Context.MAX_URL);
    assertThatThrownBy(
            () -> decode("{\"type\":\"context\",\"conv\":\"chat_1\",\"url\":\"" + url + "\"}"))
        .isInstanceOfSatisfying(
            ProtocolException.class, e -> assertThat(e.field()).isEqualTo("url"));
    String title = "😀".repeat(ChatCommand.Context.MAX_TITLE);
    assertThat(decode("{\"type\":\"context\",\"conv\":\"chat_1\",\"title\":\"" + title + "\"}"))
        .as("300 code points, 600 chars")
        .isInstanceOf(ChatCommand.Context.class);
    assertThatThrownBy(
            () -> decode("{\"type\":\"context\",\"conv\":\"chat_1\",\"title\":\"" + title + "x\"}"))
        .isInstanceOfSatisfying(
            ProtocolException.class, e -> assertThat(e.field()).isEqualTo("title"));
  }

  @Test
  void prechatAnswersAreCheckedForShape() {
    ChatCommand.Prechat p =
        (ChatCommand.Prechat)
            decode("{\"type\":\"prechat\",\"conv\":\"chat_1\",\"fields\":{\"name\":\"Ana\"}}");
    assertThat(p.fields()).isEqualTo(Map.of("name", "Ana"));
    assertThatThrownBy(() -> decode("{\"type\":\"prechat\",\"conv\":\"chat_1\"}"))
        .isInstanceOfSatisfying(
            ProtocolException.class, e -> assertThat(e.field()).isEqualTo("fields"));
    assertThatThrownBy(
            () ->
                decode("{\"type\":\"prechat\",\"conv\":\"chat_1\",\"fields\":{\"Bad Key\":\"x\"}}"))
        .isInstanceOfSatisfying(
            ProtocolException.class, e -> assertThat(e.field()).isEqualTo("fields"));
    assertThatThrownBy(
            () ->
                decode(
                    "{\"type\":\"prechat\",\"conv\":\"chat_1\",\"fields\":{\"note\":\""
                        + "x".repeat(1001)
                        + "\"}}"))
        .isInstanceOfSatisfying(
            ProtocolException.class, e -> assertThat(e.field()).isEqualTo("note"));
  }
}
