package dev.parley.edge.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Malformed images through the image path: seeded mutations (flipped bytes, cuts, spliced garbage)
 * of valid PNG, JPEG and GIF files either come out re-encoded within the pixel bound or are refused
 * with a known code — never another exception, never a hang.
 */
@Timeout(120)
class ImageCleanerFuzzTest {
  static byte[] mutate(byte[] good, Random r) {
    byte[] b = good.clone();
    switch (r.nextInt(3)) {
      case 0 -> {
        for (int i = 0, n = 1 + r.nextInt(8); i < n; i++) {
          b[r.nextInt(b.length)] = (byte) r.nextInt(256);
        }
      }
      case 1 -> b = Arrays.copyOf(b, 1 + r.nextInt(b.length));
      default -> {
        int at = r.nextInt(b.length);
        for (int i = at; i < Math.min(b.length, at + 1 + r.nextInt(64)); i++) {
          b[i] = (byte) r.nextInt(256);
        }
      }
    }
    return b;
  }

  @Test
  void mutatedImagesAreReencodedOrRefusedWithAKnownCode() {
    Random r = new Random(17);
    String[][] kinds = {{"png", "image/png"}, {"jpeg", "image/jpeg"}, {"gif", "image/gif"}};
    int refused = 0;
    for (String[] k : kinds) {
      byte[] good = FilesFixture.image(96, 64, k[0]);
      for (int i = 0; i < 150; i++) {
        byte[] bad = mutate(good, r);
        try {
          ImageCleaner.Clean c = ImageCleaner.clean(bad, k[1]);
          assertThat((long) c.width() * c.height()).isLessThanOrEqualTo(ImageCleaner.MAX_PIXELS);
          assertThat(c.thumbnail()).isNotEmpty();
        } catch (ImageCleaner.Refused e) {
          assertThat(e.code).isIn("malformed_file", "image_too_large", "unsupported_type");
          refused++;
        }
      }
    }
    assertThat(refused).as("some mutations break the image").isPositive();
  }
}
