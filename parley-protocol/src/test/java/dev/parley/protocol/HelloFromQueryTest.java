package dev.parley.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.lang.reflect.RecordComponent;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link Command.Hello#fromQuery}: the {@code hello} an upgrade request carries in its query. */
class HelloFromQueryTest {

  @Test
  void aQueryWithoutHelloCarriesNone() {
    assertThat(Command.Hello.fromQuery(Map.of())).isNull();
    assertThat(Command.Hello.fromQuery(Map.of("site", "demo", "token", "t"))).isNull();
  }

  @Test
  void theOtherParametersAreTheHellosOptionsButNeverItsFieldsOrTheHandshakesToken() {
    Map<String, String> query =
        Map.ofEntries(
            Map.entry("hello", "1"),
            Map.entry("site", "demo"),
            Map.entry("lang", "de-AT"),
            Map.entry("token", "a-handshake-credential"),
            Map.entry("user", "maya"),
            Map.entry("password", "in-a-url-never"),
            Map.entry("resume", "demo-1"),
            Map.entry("ref", "r"),
            Map.entry("v", "1"),
            Map.entry("type", "join"),
            Map.entry("transport", "sse"),
            Map.entry("key", "a-routing-key-of-the-fallback"));

    Command.Hello h = Command.Hello.fromQuery(query);

    assertThat(h.v()).isEqualTo(1);
    assertThat(h.options()).containsOnly(Map.entry("site", "demo"), Map.entry("lang", "de-AT"));
    assertThat(h.token()).isNull();
    assertThat(h.user()).isNull();
    assertThat(h.password()).isNull();
    assertThat(h.resume()).isNull();
    assertThat(h.ref()).isNull();
  }

  @Test
  void noFieldOfTheRecordEverBecomesAnOptionNotEvenOneAddedLater() {
    Map<String, String> query = new HashMap<>(Map.of("hello", "1"));
    for (RecordComponent c : Command.Hello.class.getRecordComponents()) {
      if (!c.getName().equals("options")) { // the rest of the query, not a field
        query.put(c.getName(), "from-a-url");
      }
    }

    assertThat(Command.Hello.fromQuery(query).options()).isEmpty();
  }

  @Test
  void anotherProtocolVersionIsAnInvalidFieldNamingHello() {
    ProtocolException e =
        catchThrowableOfType(
            ProtocolException.class, () -> Command.Hello.fromQuery(Map.of("hello", "2")));
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FIELD);
    assertThat(e.field()).isEqualTo("hello");
    assertThat(e.getMessage()).contains("protocol version 2 is not supported");
  }

  @Test
  void theCodecChecksItsOptionsAsAFramesAreWithTheLayersChecks() {
    Codec codec =
        Codec.builder()
            .check(
                Command.Hello.class,
                h -> {
                  if ("x!".equals(h.option("lang"))) {
                    throw Fields.invalid("lang", "is not a language tag");
                  }
                })
            .build();
    Command.Hello longSite = Command.Hello.fromQuery(Map.of("hello", "1", "site", "s".repeat(257)));
    ProtocolException e =
        catchThrowableOfType(ProtocolException.class, () -> codec.check(longSite));
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FIELD);
    assertThat(e.field()).isEqualTo("site");

    Command.Hello badLang = Command.Hello.fromQuery(Map.of("hello", "1", "lang", "x!"));
    e = catchThrowableOfType(ProtocolException.class, () -> codec.check(badLang));
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FIELD);
    assertThat(e.field()).isEqualTo("lang");
  }
}
