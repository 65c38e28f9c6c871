package dev.parley.edge.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.ChatConversation;
import dev.parley.protocol.http.HttpApi.Request;
import dev.parley.protocol.http.HttpApi.Response;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The bounds on uploads beyond a file's own: who may send a large body at all (asked before it is
 * received), each uploader's rate, the files a conversation may hold, and the memory images are
 * decoded in. Real parts in memory ({@link FilesFixture}), the node's clock moved by hand.
 */
class UploadLimitsTest {
  final FilesFixture f;

  UploadLimitsTest() throws Exception {
    f = new FilesFixture();
  }

  @AfterEach
  void close() {
    f.close();
  }

  static final byte[] TEXT = "hello".getBytes(StandardCharsets.UTF_8);

  /** The head of an upload: its headers without a body. */
  Optional<Response> gate(String conv, String token, String key) throws Exception {
    Map<String, String> headers = new HashMap<>();
    if (token != null) {
      headers.put("authorization", "Bearer " + token);
    }
    if (key != null) {
      headers.put("idempotency-key", key);
    }
    return f.api
        .refusal(
            new Request(
                "POST",
                "/api/conversations/" + conv + "/files",
                Map.of("name", List.of("a.png")),
                headers,
                new byte[0],
                "127.0.0.1"))
        .get(10, TimeUnit.SECONDS);
  }

  @Test
  void beforeItsBodyAnUploadIsAdmittedOnlyForAParticipantWithAKey() throws Exception {
    assertThat(gate(f.shopConversation, f.annToken, "k")).isEmpty();
    assertThat(gate(f.shopConversation, f.agentToken("maya"), "k")).isEmpty();
    assertThat(gate(f.shopConversation, null, "k"))
        .get()
        .extracting(Response::status)
        .isEqualTo(401);
    assertThat(gate(f.shopConversation, "v2.forged.token", "k"))
        .get()
        .extracting(Response::status)
        .isEqualTo(401);
    assertThat(gate(f.shopConversation, f.bobToken, "k"))
        .as("a visitor of another conversation")
        .get()
        .extracting(Response::status)
        .isEqualTo(403);
    assertThat(gate(f.shopConversation, f.annToken, null))
        .get()
        .extracting(Response::status)
        .isEqualTo(400);
  }

  @Test
  void anUploaderMayStartABurstThenOneEverySoOftenAndIsToldWhenToTryAgain() throws Exception {
    for (int i = 0; i < FileUploads.BURST; i++) {
      assertThat(f.upload(f.shopConversation, f.annToken, "k" + i, "a.txt", TEXT).status())
          .isEqualTo(201);
    }
    Response limited = f.upload(f.shopConversation, f.annToken, "late", "a.txt", TEXT);
    assertThat(limited.status()).isEqualTo(429);
    assertThat(new String(limited.body(), StandardCharsets.UTF_8))
        .contains("\"rate_limited\"")
        .contains("in " + FileUploads.SECONDS_PER_UPLOAD + " seconds");
    assertThat(f.upload(f.shopConversation, f.agentToken("maya"), "m", "a.txt", TEXT).status())
        .as("another uploader has a bucket of its own")
        .isEqualTo(201);

    f.nodeClock.advance(Duration.ofSeconds(FileUploads.SECONDS_PER_UPLOAD));
    assertThat(f.upload(f.shopConversation, f.annToken, "late", "a.txt", TEXT).status())
        .isEqualTo(201);
  }

  @Test
  void aConversationHoldsAtMostItsSitesFilesAndTheNextIsRefusedStoringNothing() throws Exception {
    byte[] png = FilesFixture.png(4, 4);
    assertThat(f.upload(f.tinyConversation, f.annToken, "a", "a.png", png).status()).isEqualTo(201);
    assertThat(f.upload(f.tinyConversation, f.annToken, "b", "b.png", png).status()).isEqualTo(201);

    Response third = f.upload(f.tinyConversation, f.annToken, "c", "c.png", png);

    assertThat(third.status()).isEqualTo(422);
    assertThat(new String(third.body(), StandardCharsets.UTF_8)).contains("\"too_many_files\"");
    assertThat(f.records.ofConversation(f.tinyConversation).get()).hasSize(2);
    assertThat(f.upload(f.tinyConversation, f.annToken, "a", "a.png", png).status())
        .as("a retry of a stored one is still answered")
        .isEqualTo(200);
  }

  @Test
  void anImageThatNeedsMoreThanTheWholeDecodeBudgetIsRefusedAndOneThatFindsItSpentIsBusy()
      throws Exception {
    ChatConversation c = f.chatStore.find(f.shopConversation).get().orElseThrow();
    DecodeBudget budget = new DecodeBudget(1 << 20, Duration.ZERO); // 1 MiB
    try (FileUploads uploads = new FileUploads(f.files, f.nodeClock, t -> null, 1, 1, budget)) {
      FileUploads.Outcome big =
          uploads
              .upload(c, f.ann, "big", "big.png", FilesFixture.png(1000, 1000))
              .get(30, TimeUnit.SECONDS);
      assertThat(big)
          .isInstanceOfSatisfying(
              FileUploads.Refused.class,
              r -> {
                assertThat(r.status()).isEqualTo(422);
                assertThat(r.code()).isEqualTo("image_too_large");
              });

      FileUploads.Outcome busy;
      try (DecodeBudget.Lease held = budget.take(1 << 20)) {
        busy =
            uploads
                .upload(c, f.ann, "small", "small.png", FilesFixture.png(100, 100))
                .get(30, TimeUnit.SECONDS);
      }
      assertThat(busy)
          .isInstanceOfSatisfying(
              FileUploads.Refused.class, r -> assertThat(r.status()).isEqualTo(503));
      assertThat(budget.availableKib()).as("every lease went back").isEqualTo(1024);
      assertThat(
              uploads
                  .upload(c, f.ann, "small", "small.png", FilesFixture.png(100, 100))
                  .get(30, TimeUnit.SECONDS))
          .isInstanceOf(FileUploads.Stored.class);
      assertThat(budget.availableKib()).isEqualTo(1024);
    }
  }
}
