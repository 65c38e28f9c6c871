package dev.parley.edge.files;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.protocol.http.HttpApi.Response;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The files API's answers, request by request, over real parts in memory ({@link FilesFixture}).
 */
@Timeout(60)
class FilesApiTest {
  final FilesFixture f;
  final ObjectMapper json = new ObjectMapper();

  FilesApiTest() throws Exception {
    f = new FilesFixture();
  }

  @AfterEach
  void close() {
    f.close();
  }

  JsonNode body(Response r) throws Exception {
    return json.readTree(r.body());
  }

  static String text(Response r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  @Test
  void aVisitorUploadsAnImageAndGetsItsRecordAndSignedLinks() throws Exception {
    Response r =
        f.upload(f.shopConversation, f.annToken, "k1", "shot.png", FilesFixture.png(800, 600));

    assertThat(r.status()).as(text(r)).isEqualTo(201);
    JsonNode file = body(r).get("file");
    assertThat(file.get("id").asText()).startsWith("f_");
    assertThat(file.get("conversation").asText()).isEqualTo(f.shopConversation);
    assertThat(file.get("uploader").asText()).isEqualTo(f.ann);
    assertThat(file.get("type").asText()).isEqualTo("image/png");
    assertThat(file.get("width").asInt()).isEqualTo(800);
    assertThat(file.get("height").asInt()).isEqualTo(600);
    assertThat(file.get("thumbnail").asBoolean()).isTrue();
    assertThat(body(r).get("expiresAt").asLong())
        .isEqualTo(f.nowMillis.get() + FileLinks.LIFETIME.toMillis());

    Response content = f.get(body(r).get("url").asText(), Map.of());
    assertThat(content.status()).isEqualTo(200);
    assertThat(content.contentType()).isEqualTo("image/png");
    assertThat(content.headers().get("Content-Disposition")).startsWith("inline;");
    BufferedImage full = ImageIO.read(new ByteArrayInputStream(content.body()));
    assertThat(full.getWidth()).isEqualTo(800);

    Response thumb = f.get(body(r).get("thumbnailUrl").asText(), Map.of());
    assertThat(thumb.status()).isEqualTo(200);
    BufferedImage t = ImageIO.read(new ByteArrayInputStream(thumb.body()));
    assertThat(t.getWidth()).isEqualTo(ImageCleaner.THUMBNAIL_PX);
    assertThat(t.getHeight()).isEqualTo(240);
  }

  @Test
  void aRetryWithTheSameKeyAndBytesReturnsTheSameFileAndStoresNothingNew() throws Exception {
    byte[] png = FilesFixture.png(40, 30);
    Response first = f.upload(f.shopConversation, f.annToken, "retry-1", "a.png", png);
    Response again = f.upload(f.shopConversation, f.annToken, "retry-1", "a.png", png);

    assertThat(first.status()).isEqualTo(201);
    assertThat(again.status()).isEqualTo(200);
    assertThat(body(again).get("file").get("id")).isEqualTo(body(first).get("file").get("id"));
    assertThat(f.records.ofConversation(f.shopConversation).get()).hasSize(1);
  }

  @Test
  void theSameKeyWithOtherBytesIsRefusedWithKeyReused() throws Exception {
    f.upload(f.shopConversation, f.annToken, "k", "a.png", FilesFixture.png(40, 30));

    Response r = f.upload(f.shopConversation, f.annToken, "k", "a.png", FilesFixture.png(41, 30));

    assertThat(r.status()).isEqualTo(409);
    assertThat(body(r).get("error").asText()).isEqualTo("key_reused");
    assertThat(f.records.ofConversation(f.shopConversation).get()).hasSize(1);
  }

  @Test
  void anUploadWithoutAKeyIsRefused() throws Exception {
    Response r = f.upload(f.shopConversation, f.annToken, null, "a.png", FilesFixture.png(4, 4));

    assertThat(r.status()).isEqualTo(400);
    assertThat(body(r).get("error").asText()).isEqualTo("invalid_key");
  }

  @Test
  void aFileOverTheSitesSizeIsRefusedWith413AndNothingIsStored() throws Exception {
    byte[] big = new byte[1001];
    Arrays.fill(big, (byte) 'a');

    Response r = f.upload(f.tinyConversation, f.annToken, "k", "big.png", big);

    assertThat(r.status()).isEqualTo(413);
    assertThat(body(r).get("error").asText()).isEqualTo("file_too_large");
    assertThat(f.records.ofConversation(f.tinyConversation).get()).isEmpty();
  }

  @Test
  void aTypeTheSiteDoesNotAllowIsRefusedWith415WhateverItsNameAndHeaderSay() throws Exception {
    byte[] html =
        "<html><body><script>alert(1)</script></body></html>".getBytes(StandardCharsets.UTF_8);
    byte[] zip = {'P', 'K', 3, 4, 20, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    byte[] pdf = "%PDF-1.4\n%%EOF\n".getBytes(StandardCharsets.UTF_8);

    for (byte[] b : new byte[][] {html, zip}) {
      Response r = f.upload(f.shopConversation, f.annToken, "k" + b.length, "photo.png", b);
      assertThat(r.status()).as(text(r)).isEqualTo(415);
      assertThat(body(r).get("error").asText()).isEqualTo("unsupported_type");
    }
    // Allowed on shop, not on tiny (PNG only).
    assertThat(f.upload(f.tinyConversation, f.annToken, "p", "a.pdf", pdf).status()).isEqualTo(415);
    Response ok = f.upload(f.shopConversation, f.annToken, "p", "a.png", pdf);
    assertThat(ok.status()).isEqualTo(201);
    assertThat(body(ok).get("file").get("type").asText()).isEqualTo("application/pdf");
    assertThat(f.records.ofConversation(f.tinyConversation).get()).isEmpty();
  }

  @Test
  void anEmptyFileIsRefused() throws Exception {
    Response r = f.upload(f.shopConversation, f.annToken, "k", "a.txt", new byte[0]);

    assertThat(r.status()).isEqualTo(422);
    assertThat(body(r).get("error").asText()).isEqualTo("empty_file");
  }

  @Test
  void aPngWhoseHeaderClaims50000By50000PixelsIsRefusedWithoutDecoding() throws Exception {
    Response r =
        f.upload(
            f.shopConversation,
            f.annToken,
            "bomb",
            "bomb.png",
            ImageFixtures.pngHeader(50_000, 50_000));

    assertThat(r.status()).isEqualTo(422);
    assertThat(body(r).get("error").asText()).isEqualTo("image_too_large");
    assertThat(f.records.ofConversation(f.shopConversation).get()).isEmpty();
  }

  @Test
  void aTruncatedImageIsRefusedAsMalformed() throws Exception {
    byte[] png = FilesFixture.png(200, 200);

    Response r =
        f.upload(
            f.shopConversation, f.annToken, "cut", "cut.png", Arrays.copyOf(png, png.length / 2));

    assertThat(r.status()).isEqualTo(422);
    assertThat(body(r).get("error").asText()).isEqualTo("malformed_file");
  }

  @Test
  void aJpegLosesItsExifAndComments() throws Exception {
    byte[] jpeg =
        ImageFixtures.withExifAndComment(FilesFixture.image(64, 48, "jpeg"), "GPS-SECRET-4711");
    assertThat(new String(jpeg, StandardCharsets.ISO_8859_1)).contains("GPS-SECRET-4711");

    Response r = f.upload(f.shopConversation, f.annToken, "k", "me.jpg", jpeg);

    assertThat(r.status()).as(text(r)).isEqualTo(201);
    assertThat(body(r).get("file").get("type").asText()).isEqualTo("image/jpeg");
    byte[] stored = f.get(body(r).get("url").asText(), Map.of()).body();
    assertThat(new String(stored, StandardCharsets.ISO_8859_1))
        .doesNotContain("GPS-SECRET-4711")
        .doesNotContain("Exif");
  }

  @Test
  void onlyParticipantsMayUploadAndATokenIsRequired() throws Exception {
    byte[] png = FilesFixture.png(8, 8);

    Response none = f.upload(f.shopConversation, null, "k", "a.png", png);
    assertThat(none.status()).isEqualTo(401);
    assertThat(none.headers()).containsEntry("WWW-Authenticate", "Bearer");
    assertThat(f.upload(f.shopConversation, "v2.forged.token", "k", "a.png", png).status())
        .isEqualTo(401);
    Response bob = f.upload(f.shopConversation, f.bobToken, "k", "a.png", png);
    assertThat(bob.status()).isEqualTo(403);
    assertThat(body(bob).get("error").asText()).isEqualTo("forbidden");
    assertThat(f.upload(f.shopConversation, f.agentToken("sam"), "k", "a.png", png).status())
        .as("an agent of another site")
        .isEqualTo(403);
    assertThat(f.upload("chat_nope", f.annToken, "k", "a.png", png).status()).isEqualTo(403);

    Response maya = f.upload(f.shopConversation, f.agentToken("maya"), "k", "a.png", png);
    assertThat(maya.status()).isEqualTo(201);
    assertThat(body(maya).get("file").get("uploader").asText()).isEqualTo("maya");
  }

  @Test
  void aParticipantGetsFreshLinksAndOthersAreRefused() throws Exception {
    Response up = f.upload(f.shopConversation, f.annToken, "k", "a.png", FilesFixture.png(8, 8));
    String id = body(up).get("file").get("id").asText();
    f.nowMillis.addAndGet(Duration.ofMinutes(10).toMillis());

    Response mine =
        f.get("/api/files/" + id, Map.of("Authorization", "Bearer " + f.agentToken("maya")));
    Response bobs = f.get("/api/files/" + id, Map.of("Authorization", "Bearer " + f.bobToken));

    assertThat(mine.status()).isEqualTo(200);
    assertThat(body(mine).get("expiresAt").asLong())
        .isEqualTo(f.nowMillis.get() + FileLinks.LIFETIME.toMillis());
    assertThat(bobs.status()).isEqualTo(403);
    assertThat(f.get("/api/files/" + id, Map.of()).status()).isEqualTo(401);
  }

  @Test
  void anExpiredForgedOrMisdirectedLinkIsRefused() throws Exception {
    Response up = f.upload(f.shopConversation, f.annToken, "k", "a.png", FilesFixture.png(8, 8));
    String url = body(up).get("url").asText();
    String id = body(up).get("file").get("id").asText();

    String forged = url.substring(0, url.length() - 2) + (url.endsWith("AA") ? "BB" : "AA");
    Response bad = f.get(forged, Map.of());
    assertThat(bad.status()).isEqualTo(403);
    assertThat(body(bad).get("error").asText()).isEqualTo("link_invalid");
    String asThumbnail = url.replace("/content?", "/thumbnail?");
    assertThat(body(f.get(asThumbnail, Map.of())).get("error").asText()).isEqualTo("link_invalid");
    assertThat(f.get("/api/files/" + id + "/content", Map.of()).status()).isEqualTo(403);

    f.nowMillis.addAndGet(FileLinks.LIFETIME.toMillis() + 1000);
    Response late = f.get(url, Map.of());
    assertThat(late.status()).isEqualTo(403);
    assertThat(body(late).get("error").asText()).isEqualTo("link_expired");
  }

  @Test
  void aDownloadServesOneRangeAndRefusesOneBeyondTheEnd() throws Exception {
    byte[] txt = new byte[100];
    for (int i = 0; i < txt.length; i++) {
      txt[i] = (byte) ('a' + i % 26);
    }
    Response up = f.upload(f.shopConversation, f.annToken, "k", "notes.txt", txt);
    assertThat(body(up).get("file").get("type").asText()).isEqualTo("text/plain");
    String url = body(up).get("url").asText();

    Response part = f.get(url, Map.of("Range", "bytes=10-19"));
    assertThat(part.status()).isEqualTo(206);
    assertThat(part.headers()).containsEntry("Content-Range", "bytes 10-19/100");
    assertThat(part.body()).isEqualTo(Arrays.copyOfRange(txt, 10, 20));

    Response tail = f.get(url, Map.of("Range", "bytes=-5"));
    assertThat(tail.headers()).containsEntry("Content-Range", "bytes 95-99/100");
    assertThat(tail.body()).isEqualTo(Arrays.copyOfRange(txt, 95, 100));

    Response open = f.get(url, Map.of("Range", "bytes=90-"));
    assertThat(open.body()).isEqualTo(Arrays.copyOfRange(txt, 90, 100));

    Response beyond = f.get(url, Map.of("Range", "bytes=200-"));
    assertThat(beyond.status()).isEqualTo(416);
    assertThat(beyond.headers()).containsEntry("Content-Range", "bytes */100");

    Response several = f.get(url, Map.of("Range", "bytes=0-1,5-6"));
    assertThat(several.status()).as("several ranges: the whole file").isEqualTo(200);
    assertThat(several.body()).isEqualTo(txt);
  }

  @Test
  void anythingButAnImageIsAnAttachmentThatNeverRunsAsAPage() throws Exception {
    Response up =
        f.upload(
            f.shopConversation,
            f.annToken,
            "k",
            "../../secret/\u202Eévil\"name.txt",
            "plain words".getBytes(StandardCharsets.UTF_8));
    assertThat(body(up).get("file").get("name").asText()).isEqualTo("évil\"name.txt");

    Response r = f.get(body(up).get("url").asText(), Map.of());

    assertThat(r.contentType()).isEqualTo("text/plain");
    assertThat(r.headers())
        .containsEntry(
            "Content-Disposition",
            "attachment; filename=\"_vil_name.txt\"; filename*=UTF-8''%C3%A9vil%22name.txt")
        .containsEntry("X-Content-Type-Options", "nosniff")
        .containsEntry("Accept-Ranges", "bytes");
    assertThat(r.headers().get("Content-Security-Policy"))
        .contains("sandbox")
        .contains("default-src 'none'");
  }

  @Test
  void otherPathsGoToTheNextApi() throws Exception {
    assertThat(f.get("/api/queue", Map.of()).status()).isEqualTo(404);
  }
}
