package dev.parley.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CodecTest {
  private final Codec codec = new Codec();

  private String json(Push p) {
    return new String(codec.encode(p), StandardCharsets.UTF_8);
  }

  @Test
  void eventsCarryTheirTypeFirstAndOmitNullFields() {
    assertThat(json(new Push.Ack(null, "c-1", "demo", 7, "m_x", 5)))
        .isEqualTo(
            "{\"type\":\"ack\",\"cid\":\"c-1\",\"conv\":\"demo\",\"seq\":7,\"id\":\"m_x\",\"ts\":5}");
    assertThat(json(new Push.Pong(null))).isEqualTo("{\"type\":\"pong\"}");
  }

  @Test
  void everyEventRoundTrips() {
    Push.Message m = new Push.Message("c", 3, "m_1", "u", "text", "hé \"x\" <b>", 9, "cid", null);
    List<Push> events =
        List.of(
            new Push.Welcome("r", "s_1", "u", "t", 30000, null, Map.of("role", "visitor")),
            new Push.Joined(
                null, "c", 4, 0, List.of(new Push.Receipt("c", "u", "read", 2)), List.of("u", "v")),
            new Push.Joined(null, "c", 4, 0, List.of(), List.of("u"), 1234),
            new Push.Presence("c", "u", true),
            new Push.PresenceBatch("c", List.of("u", "v"), List.of("w"), 7, 1234),
            new Push.PresenceBatch("c", List.of("u"), List.of(), null, 2),
            new Push.PresenceList("p", "c", 3, List.of("u", "v"), "v"),
            new Push.Left("r", "c"),
            m,
            new Push.Ack("r", "cid", "c", 3, "m_1", 9),
            new Push.Receipt("c", "u", "delivered", 3),
            new Push.Typing("c", "u", true, 6000),
            new Push.History("h", "c", List.of(m), true),
            new Push.Pong("p"),
            Push.Error.of(ErrorCode.STORE_UNAVAILABLE, "later", "cid", null, null));
    for (Push p : events) {
      byte[] bytes = codec.encode(p);
      assertThat(codec.decodePush(bytes, 0, bytes.length)).isEqualTo(p);
    }
  }

  @Test
  void unknownEventTypesDecodeAsUnknownSoClientsCanIgnoreThem() {
    assertThat(codec.decodePush("{\"type\":\"from-the-future\",\"x\":1}"))
        .isInstanceOf(Push.Unknown.class);
    assertThat(
            codec.decodePush(
                "{\"type\":\"ack\",\"cid\":\"c\",\"conv\":\"d\",\"seq\":1,\"newField\":true}"))
        .isInstanceOf(Push.Ack.class);
  }

  @Test
  void commandsRoundTripThroughTheClientEncoder() {
    Command.Hello h = new Command.Hello(null, 1, "tok", Map.of("c", 5L)).withOption("site", "demo");
    assertThat(codec.decodeCommand(codec.encode(h))).isEqualTo(h);
    assertThat(((Command.Hello) codec.decodeCommand(codec.encode(h))).option("site"))
        .isEqualTo("demo");
    Command.Send s = new Command.Send("r", "cid", "c", "text");
    assertThat(codec.decodeCommand(codec.encode(s))).isEqualTo(s);
  }

  @Test
  void welcomeCarriesTheClaimsAsTopLevelFields() {
    assertThat(
            json(new Push.Welcome(null, "s_1", "u", null, 30000, null, Map.of("role", "visitor"))))
        .isEqualTo(
            "{\"type\":\"welcome\",\"session\":\"s_1\",\"user\":\"u\",\"heartbeatMs\":30000,\"role\":\"visitor\"}");
    Push.Welcome w =
        (Push.Welcome)
            codec.decodePush(
                "{\"type\":\"welcome\",\"user\":\"u\",\"heartbeatMs\":1,\"role\":\"agent\"}");
    assertThat(w.claim("role")).isEqualTo("agent");
  }

  @Test
  void aClientReadsAnEventWithAKeyTwiceThoughCommandsMayNotHaveOne() {
    // A claim named like a field of welcome is written twice (claims are top-level fields).
    byte[] twice =
        codec.encode(new Push.Welcome(null, "s_1", "u", null, 30000, null, Map.of("user", "x")));
    assertThat(new String(twice, StandardCharsets.UTF_8))
        .contains("\"user\":\"u\"", "\"user\":\"x\"");
    assertThat(codec.decodePush(twice, 0, twice.length)).isInstanceOf(Push.Welcome.class);
    assertThatThrownBy(
            () ->
                codec.decodeCommand(
                    "{\"type\":\"ping\",\"ref\":\"a\",\"ref\":\"b\"}"
                        .getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(ProtocolException.class)
        .extracting(e -> ((ProtocolException) e).code())
        .isEqualTo(ErrorCode.BAD_JSON);
  }

  @Test
  void aLoginsUserNameWithALineBreakIsRefusedSoItCannotForgeALogLine() {
    byte[] hello =
        "{\"type\":\"hello\",\"user\":\"x\\n12:00:00.000 WARN forged\",\"password\":\"p\"}"
            .getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> codec.decodeCommand(hello))
        .isInstanceOf(ProtocolException.class)
        .satisfies(
            e -> {
              assertThat(((ProtocolException) e).code()).isEqualTo(ErrorCode.INVALID_FIELD);
              assertThat(((ProtocolException) e).field()).isEqualTo("user");
            });
    byte[] fine =
        "{\"type\":\"hello\",\"user\":\"maya\",\"password\":\"p\"}"
            .getBytes(StandardCharsets.UTF_8);
    assertThat(((Command.Hello) codec.decodeCommand(fine)).user()).isEqualTo("maya");
  }

  @Test
  void anExtensionRegistersItsOwnCommandsEventsAndHelloChecks() {
    record Poke(String ref, String conv) implements Command {
      @Override
      public void validate() {
        Fields.conversation("conv", conv);
      }
    }
    record Poked(String conv) implements Push {}
    Codec extended =
        Codec.builder()
            .command("poke", Poke.class)
            .event("poked", Poked.class)
            .check(
                Command.Hello.class,
                h -> {
                  if ("bad".equals(h.option("flavour"))) {
                    throw Fields.invalid("flavour", "is bad");
                  }
                })
            .build();
    assertThat(
            extended.decodeCommand(
                "{\"type\":\"poke\",\"conv\":\"c\"}".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(new Poke(null, "c"));
    assertThat(new String(extended.encode(new Poked("c")), StandardCharsets.UTF_8))
        .isEqualTo("{\"type\":\"poked\",\"conv\":\"c\"}");
    assertThat(extended.decodePush("{\"type\":\"poked\",\"conv\":\"c\"}"))
        .isEqualTo(new Poked("c"));
    ProtocolException e =
        catchThrowableOfType(
            ProtocolException.class,
            () ->
                extended.decodeCommand(
                    "{\"type\":\"hello\",\"ref\":\"r\",\"flavour\":\"bad\"}"
                        .getBytes(StandardCharsets.UTF_8)));
    assertThat(e.field()).isEqualTo("flavour");
    assertThat(e.ref()).isEqualTo("r");
    // The core's codec does not know the extension's types.
    assertThat(
            catchThrowableOfType(
                    ProtocolException.class,
                    () ->
                        codec.decodeCommand(
                            "{\"type\":\"poke\",\"conv\":\"c\"}".getBytes(StandardCharsets.UTF_8)))
                .code())
        .isEqualTo(ErrorCode.UNKNOWN_TYPE);
  }

  @Test
  void errorsForRetryableCodesSayRetry() {
    assertThat(Push.Error.of(ErrorCode.STORE_UNAVAILABLE, "m", null, null, null).retry()).isTrue();
    assertThat(Push.Error.of(ErrorCode.INVALID_FIELD, "m", null, null, "x").retry()).isFalse();
  }

  @Test
  void decodeHonoursOffsetAndLength() {
    byte[] buf = "xx{\"type\":\"ping\",\"ref\":\"a\"}yy".getBytes(StandardCharsets.UTF_8);
    assertThat(codec.decodeCommand(buf, 2, buf.length - 4)).isEqualTo(new Command.Ping("a"));
  }
}
