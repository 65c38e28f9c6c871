package dev.parley.protocol.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The embeddings wire format: what is sent, and which answers are taken. */
class EmbeddingsTest {
  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aRequestCarriesTheModelAndEveryInputInOrder() {
    String body =
        new String(Embeddings.request("m1", List.of("a \"b\"", "ü")), StandardCharsets.UTF_8);
    assertThat(body)
        .isEqualTo(
            "{\"model\":\"m1\",\"input\":[\"a \\\"b\\\"\",\"ü\"],\"encoding_format\":\"float\"}");
    assertThat(Embeddings.requestOf(bytes(body)))
        .isEqualTo(new Embeddings.Request("m1", List.of("a \"b\"", "ü")));
  }

  @Test
  void itemsInAnyOrderAreMatchedToTheirInputsByIndex() {
    List<float[]> v =
        Embeddings.parse(
            bytes(
                """
                {"object": "list", "data": [
                  {"object": "embedding", "index": 1, "embedding": [0.5, -1]},
                  {"object": "embedding", "index": 0, "embedding": [2, 3e-2]}],
                 "model": "m", "usage": {"prompt_tokens": 3, "total_tokens": 3}}"""),
            2);
    assertThat(v.get(0)).containsExactly(2f, 0.03f);
    assertThat(v.get(1)).containsExactly(0.5f, -1f);
  }

  @Test
  void aStandInsResponseReadsBack() {
    float[] a = {1, 0.25f};
    List<float[]> back = Embeddings.parse(Embeddings.response("m", List.of(a)), 1);
    assertThat(back.getFirst()).containsExactly(a);
  }

  @Test
  void anAnswerThatCannotBeRightIsRefusedSayingWhy() {
    assertThatThrownBy(() -> Embeddings.parse(bytes("<html>"), 1))
        .isInstanceOf(Embeddings.BadResponse.class)
        .hasMessageContaining("not JSON");
    assertThatThrownBy(
            () -> Embeddings.parse(bytes("{\"data\": [{\"index\": 0, \"embedding\": [1]}]}"), 2))
        .as("fewer vectors than inputs")
        .hasMessageContaining("2 embeddings");
    assertThatThrownBy(
            () ->
                Embeddings.parse(
                    bytes(
                        "{\"data\": [{\"index\": 0, \"embedding\": [1]},"
                            + " {\"index\": 0, \"embedding\": [2]}]}"),
                    2))
        .as("two for one input")
        .hasMessageContaining("data[1]");
    assertThatThrownBy(
            () ->
                Embeddings.parse(
                    bytes(
                        "{\"data\": [{\"index\": 0, \"embedding\": [1, 2]},"
                            + " {\"index\": 1, \"embedding\": [2]}]}"),
                    2))
        .hasMessageContaining("differ in length");
    assertThatThrownBy(
            () ->
                Embeddings.parse(bytes("{\"data\": [{\"index\": 0, \"embedding\": [\"x\"]}]}"), 1))
        .hasMessageContaining("numbers");
    assertThatThrownBy(
            () -> Embeddings.parse(bytes("{\"data\": [{\"index\": 0, \"embedding\": []}]}"), 1))
        .hasMessageContaining("data[0]");
  }
}
