package dev.parley.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class HmacSignerTest {

  /** RFC 4231, test case 6: a 131-byte key, larger than SHA-256's block. */
  @Test
  void signsAsRfc4231Says() {
    byte[] key = new byte[131];
    Arrays.fill(key, (byte) 0xaa);
    String expected =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(
                HexFormat.of()
                    .parseHex("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"));

    HmacSigner signer = HmacSigner.raw(key);

    assertThat(signer.sign("Test Using Larger Than Block-Size Key - Hash Key First"))
        .isEqualTo(expected);
    assertThat(signer.sign("Test Using Larger Than Block-Size Key - Hash Key First"))
        .as("the shared Mac is never updated: a second signature is the same")
        .isEqualTo(expected);
  }

  @Test
  void verifiesItsOwnSignaturesOnly() {
    HmacSigner signer = HmacSigner.forPurpose(secret(1), "visitor");
    String sig = signer.sign("anon-1.1735689600");

    assertThat(signer.verify("anon-1.1735689600", sig)).isTrue();
    assertThat(signer.verify("anon-2.1735689600", sig)).isFalse();
    assertThat(HmacSigner.forPurpose(secret(1), "resume").verify("anon-1.1735689600", sig))
        .as("another purpose's key")
        .isFalse();
    assertThat(HmacSigner.forPurpose(secret(2), "visitor").verify("anon-1.1735689600", sig))
        .as("another secret")
        .isFalse();
  }

  @Test
  void refusesAShortSecret() {
    assertThatThrownBy(() -> HmacSigner.raw(new byte[31]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 32 bytes");
  }

  /** Event loops sign at once through one signer: each gets what signing alone gives. */
  @Test
  void signsTheSameFromManyThreadsAtOnce() throws Exception {
    HmacSigner signer = HmacSigner.forPurpose(secret(3), "visitor");
    List<String> payloads = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      payloads.add("anon-" + i + "." + (1_735_689_600L + i));
    }
    List<String> alone = payloads.stream().map(signer::sign).toList();

    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<List<String>>> runs = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        runs.add(pool.submit(() -> payloads.stream().map(signer::sign).toList()));
      }
      for (Future<List<String>> run : runs) {
        assertThat(run.get()).isEqualTo(alone);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static byte[] secret(int seed) {
    byte[] s = ("a secret of at least thirty-two bytes, #" + seed).getBytes(StandardCharsets.UTF_8);
    return Arrays.copyOf(s, Math.max(32, s.length));
  }
}
