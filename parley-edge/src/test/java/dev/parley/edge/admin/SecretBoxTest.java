package dev.parley.edge.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Stored secrets: sealed with AES-GCM, bound to their place, opened only with the same key. */
class SecretBoxTest {
  static byte[] key(int fill) {
    byte[] k = new byte[32];
    Arrays.fill(k, (byte) fill);
    return k;
  }

  final SecretBox box = new SecretBox(key(1));

  @Test
  void aSealedSecretOpensForItsPlaceAndLooksNothingLikeIt() {
    String sealed = box.seal("sk-live-123", "site/acme/bot.llm.apiKey");
    assertThat(sealed).startsWith("enc:v1:").doesNotContain("sk-live");
    assertThat(SecretBox.isSealed(sealed)).isTrue();
    assertThat(box.open(sealed, "site/acme/bot.llm.apiKey")).isEqualTo("sk-live-123");
    assertThat(box.seal("sk-live-123", "site/acme/bot.llm.apiKey"))
        .as("a new nonce each time")
        .isNotEqualTo(sealed);
    assertThat(box.seal(null, "x")).isNull();
    assertThat(box.open(null, "x")).isNull();
  }

  @Test
  void aSealedSecretDoesNotOpenElsewhereWithAnotherKeyOrTampered() {
    String sealed = box.seal("sk-live-123", "site/acme/bot.llm.apiKey");
    assertThatThrownBy(() -> box.open(sealed, "site/evil/bot.llm.apiKey"))
        .hasMessageContaining("does not open");
    assertThatThrownBy(() -> new SecretBox(key(2)).open(sealed, "site/acme/bot.llm.apiKey"))
        .hasMessageContaining("does not open");
    char last = sealed.charAt(sealed.length() - 1);
    String tampered = sealed.substring(0, sealed.length() - 1) + (last == 'A' ? 'B' : 'A');
    assertThatThrownBy(() -> box.open(tampered, "site/acme/bot.llm.apiKey"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> box.open("sk-in-the-clear", "site/acme/bot.llm.apiKey"))
        .hasMessageContaining("not sealed");
    assertThatThrownBy(() -> box.open("enc:v1:AAAA", "p"))
        .hasMessageContaining("not a sealed value");
  }

  @Test
  void theKeyIs32Bytes() {
    assertThatThrownBy(() -> new SecretBox(new byte[16])).hasMessageContaining("32 bytes");
  }
}
