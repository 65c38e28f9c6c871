package dev.parley.bots;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.bots.WebhookSignature.Direction;
import dev.parley.bots.WebhookSignature.Verdict;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What a webhook signature binds: direction, method, path, time, delivery id and body. */
class WebhookSignatureTest {
  static final String SECRET = "a-webhook-secret-of-some-length";
  static final WebhookSignature OUT = WebhookSignature.of(SECRET, Direction.TO_BOT);
  static final WebhookSignature IN = WebhookSignature.of(SECRET, Direction.TO_PARLEY);
  static final long NOW = 1_800_000_000L;
  static final byte[] BODY = "{\"text\":\"hi\"}".getBytes(StandardCharsets.UTF_8);
  static final String PATH = "/api/conversations/chat_a/messages";

  @Test
  void aSignatureChecksOnlyForTheRequestItWasMadeFor() {
    String sig = IN.sign(NOW, "POST", PATH, "d1", BODY);
    assertThat(sig).matches("t=1800000000,v1=[0-9a-f]{64}");
    assertThat(IN.check(sig, NOW, "POST", PATH, "d1", BODY)).isEqualTo(Verdict.VALID);
    assertThat(IN.check(sig, NOW, "PUT", PATH, "d1", BODY)).isEqualTo(Verdict.FORGED);
    assertThat(IN.check(sig, NOW, "POST", "/api/conversations/chat_b/messages", "d1", BODY))
        .isEqualTo(Verdict.FORGED);
    assertThat(IN.check(sig, NOW, "POST", PATH, "d2", BODY)).isEqualTo(Verdict.FORGED);
    assertThat(
            IN.check(
                sig, NOW, "POST", PATH, "d1", "{\"text\":\"ho\"}".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(Verdict.FORGED);
    // A changed timestamp with the old MAC.
    assertThat(IN.check(sig.replace("t=1800000000", "t=1800000001"), NOW, "POST", PATH, "d1", BODY))
        .isEqualTo(Verdict.FORGED);
  }

  @Test
  void theDirectionsHaveTheirOwnKeys() {
    String out = OUT.sign(NOW, "POST", PATH, "d1", BODY);
    assertThat(IN.check(out, NOW, "POST", PATH, "d1", BODY)).isEqualTo(Verdict.FORGED);
    assertThat(OUT.check(out, NOW, "POST", PATH, "d1", BODY)).isEqualTo(Verdict.VALID);
    assertThat(
            WebhookSignature.of("another-secret-of-length", Direction.TO_PARLEY)
                .check(IN.sign(NOW, "POST", PATH, "d1", BODY), NOW, "POST", PATH, "d1", BODY))
        .isEqualTo(Verdict.FORGED);
  }

  @Test
  void aTimestampCountsForFiveMinutesEitherWay() {
    String sig = IN.sign(NOW, "POST", PATH, "d1", BODY);
    assertThat(IN.check(sig, NOW + 300, "POST", PATH, "d1", BODY)).isEqualTo(Verdict.VALID);
    assertThat(IN.check(sig, NOW - 300, "POST", PATH, "d1", BODY)).isEqualTo(Verdict.VALID);
    assertThat(IN.check(sig, NOW + 301, "POST", PATH, "d1", BODY)).isEqualTo(Verdict.STALE);
    assertThat(IN.check(sig, NOW - 301, "POST", PATH, "d1", BODY)).isEqualTo(Verdict.STALE);
  }

  @Test
  void malformedHeadersAndDeliveryIdsAreNamedSo() {
    String sig = IN.sign(NOW, "POST", PATH, "d1", BODY);
    assertThat(IN.check(null, NOW, "POST", PATH, "d1", BODY)).isEqualTo(Verdict.MALFORMED);
    assertThat(IN.check(sig, NOW, "POST", PATH, null, BODY)).isEqualTo(Verdict.MALFORMED);
    assertThat(IN.check(sig, NOW, "POST", PATH, "d 1", BODY)).isEqualTo(Verdict.MALFORMED);
    assertThat(IN.check(sig, NOW, "POST", PATH, "d".repeat(65), BODY)).isEqualTo(Verdict.MALFORMED);
    assertThat(IN.check("sha256=" + "0".repeat(64), NOW, "POST", PATH, "d1", BODY))
        .isEqualTo(Verdict.MALFORMED);
    assertThat(IN.check("t=abc,v1=" + "0".repeat(64), NOW, "POST", PATH, "d1", BODY))
        .isEqualTo(Verdict.MALFORMED);
    assertThat(IN.check("t=1800000000,v1=zz" + "0".repeat(62), NOW, "POST", PATH, "d1", BODY))
        .isEqualTo(Verdict.MALFORMED);
    assertThat(IN.check("t=1800000000", NOW, "POST", PATH, "d1", BODY))
        .isEqualTo(Verdict.MALFORMED);
    assertThat(Verdict.FORGED.reason()).doesNotContain(sig.substring(16));
  }
}
