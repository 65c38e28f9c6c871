package dev.parley.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Runs every vector of {@code vectors/commands.json} through the codec. */
class CommandVectorsTest {
  private final Codec codec = new Codec();

  @TestFactory
  Stream<DynamicTest> everyCommandVectorDecodesAsDocumented() throws Exception {
    JsonNode root;
    try (InputStream in = getClass().getResourceAsStream("/vectors/commands.json")) {
      root = new ObjectMapper().readTree(in);
    }
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode v : root.get("vectors")) {
      String name = v.get("name").asText();
      byte[] frame = v.get("frame").asText().getBytes(StandardCharsets.UTF_8);
      tests.add(
          DynamicTest.dynamicTest(
              name,
              () -> {
                if (v.has("ok")) {
                  Command c = codec.decodeCommand(frame);
                  assertThat(c.getClass().getSimpleName().toLowerCase(Locale.ROOT))
                      .isEqualTo(v.get("ok").asText());
                } else {
                  ProtocolException e =
                      catchThrowableOfType(
                          ProtocolException.class, () -> codec.decodeCommand(frame));
                  assertThat(e).as("expected error %s", v.get("error").asText()).isNotNull();
                  assertThat(e.code().code()).isEqualTo(v.get("error").asText());
                  if (v.has("field")) {
                    assertThat(e.field()).isEqualTo(v.get("field").asText());
                  }
                  if (v.has("cid")) {
                    assertThat(e.cid()).isEqualTo(v.get("cid").asText());
                  }
                  if (v.has("ref")) {
                    assertThat(e.ref()).isEqualTo(v.get("ref").asText());
                  }
                }
              }));
    }
    return tests.stream();
  }
}
