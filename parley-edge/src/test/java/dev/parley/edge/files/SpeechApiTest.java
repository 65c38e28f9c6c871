package dev.parley.edge.files;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.chat.SpokenAnswers;
import dev.parley.core.InMemoryMessageStore;
import dev.parley.protocol.http.HttpApi.Request;
import dev.parley.protocol.http.HttpApi.Response;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The speech endpoint's own checks over the files fixture's real tokens and participants, on the
 * node's manual clock: a bearer token is required, only participants are answered, and each user
 * may ask {@value SpeechApi#BURST} times at once, then once every {@value
 * SpeechApi#SECONDS_PER_ASK} s, answered {@code 429 rate_limited} with {@code Retry-After} beyond.
 * The shop does not read answers aloud on the server, so an answered ask is {@code 409 speech_off}:
 * the speaker is never reached.
 */
@Timeout(30)
class SpeechApiTest {
  /** What the shop answers an ask that gets through: it does not read answers aloud. */
  static final int SPEECH_OFF = 409;

  final FilesFixture f;
  final InMemoryMessageStore store = new InMemoryMessageStore();
  final SpeechApi api;

  SpeechApiTest() throws Exception {
    f = new FilesFixture();
    api =
        new SpeechApi(
            r -> CompletableFuture.completedFuture(Response.json(404, "{}")),
            f.auth,
            f.files,
            new SpokenAnswers(
                store,
                f.directory,
                s -> {
                  throw new AssertionError("no answer exists to be spoken");
                },
                1 << 20),
            f.nodeClock);
  }

  @AfterEach
  void close() throws Exception {
    store.close();
    f.close();
  }

  Response ask(String token) throws Exception {
    Map<String, String> headers =
        token == null ? Map.of() : Map.of("authorization", "Bearer " + token);
    return api.handle(
            new Request(
                "GET",
                "/api/conversations/" + f.shopConversation + "/messages/1/speech",
                Map.<String, List<String>>of(),
                headers,
                new byte[0],
                "127.0.0.1"))
        .get(10, TimeUnit.SECONDS);
  }

  static String error(Response r) throws Exception {
    return new ObjectMapper()
        .readTree(new String(r.body(), StandardCharsets.UTF_8))
        .get("error")
        .asText();
  }

  @Test
  void withoutATokenOrAsAnotherVisitorNothingIsSpoken() throws Exception {
    assertThat(ask(null).status()).isEqualTo(401);
    Response bob = ask(f.bobToken);
    assertThat(bob.status()).isEqualTo(403);
    assertThat(error(bob)).isEqualTo("forbidden");
  }

  @Test
  void aUserWhoAsksTooOftenIsToldToWaitAndOthersAreNot() throws Exception {
    for (int i = 0; i < SpeechApi.BURST; i++) {
      Response r = ask(f.annToken);
      assertThat(r.status()).as("ask %d, within the burst", i + 1).isEqualTo(SPEECH_OFF);
    }

    Response limited = ask(f.annToken);
    assertThat(limited.status()).isEqualTo(429);
    assertThat(error(limited)).isEqualTo("rate_limited");
    assertThat(limited.headers())
        .containsEntry("Retry-After", Integer.toString(SpeechApi.SECONDS_PER_ASK));
    assertThat(ask(f.agentToken("maya")).status())
        .as("the shop's agent has a bucket of her own")
        .isEqualTo(SPEECH_OFF);

    f.nodeClock.advance(Duration.ofSeconds(SpeechApi.SECONDS_PER_ASK));
    assertThat(ask(f.annToken).status()).as("one more ask after the wait").isEqualTo(SPEECH_OFF);
    assertThat(ask(f.annToken).status()).isEqualTo(429);
  }
}
