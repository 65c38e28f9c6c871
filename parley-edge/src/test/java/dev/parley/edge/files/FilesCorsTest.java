package dev.parley.edge.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.protocol.http.HttpApi.Request;
import dev.parley.protocol.http.HttpApi.Response;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The widget on a site's own pages calls the files API from another origin: a listed origin gets
 * its preflight answered and can read the answers (refusals before the body included), any other
 * origin gets no CORS headers, and credentials are never allowed.
 */
class FilesCorsTest {
  final FilesFixture f;

  FilesCorsTest() throws Exception {
    f = new FilesFixture();
  }

  @AfterEach
  void close() {
    f.close();
  }

  Request request(String method, String path, String origin, String token) {
    Map<String, String> h = new HashMap<>();
    h.put("host", "chat.example:8080");
    if (origin != null) {
      h.put("origin", origin);
    }
    if (token != null) {
      h.put("authorization", "Bearer " + token);
      h.put("idempotency-key", "k1");
    }
    return new Request(
        method,
        path,
        Map.of("name", List.of("a.txt")),
        h,
        "hello".getBytes(StandardCharsets.UTF_8),
        "127.0.0.1");
  }

  @Test
  void aListedOriginsPreflightIsAnsweredForUploadsAndLinks() throws Exception {
    Response up =
        f.call(
            request(
                "OPTIONS",
                "/api/conversations/" + f.shopConversation + "/files",
                FilesFixture.SHOP_PAGE,
                null));

    assertThat(up.status()).isEqualTo(204);
    assertThat(up.headers())
        .containsEntry("Access-Control-Allow-Origin", FilesFixture.SHOP_PAGE)
        .containsEntry("Access-Control-Allow-Methods", "POST")
        .containsKey("Access-Control-Max-Age")
        .doesNotContainKey("Access-Control-Allow-Credentials");
    assertThat(up.headers().get("Access-Control-Allow-Headers"))
        .contains("authorization")
        .contains("idempotency-key");
    Response link = f.call(request("OPTIONS", "/api/files/f_x", FilesFixture.SHOP_PAGE, null));
    assertThat(link.headers()).containsEntry("Access-Control-Allow-Methods", "GET, HEAD");
  }

  @Test
  void anOriginNoSiteListsGetsNoCorsHeaders() throws Exception {
    Response pre =
        f.call(
            request(
                "OPTIONS",
                "/api/conversations/" + f.shopConversation + "/files",
                "https://evil.example",
                null));
    assertThat(pre.status()).isEqualTo(403);
    assertThat(pre.headers()).doesNotContainKey("Access-Control-Allow-Origin");

    Response post =
        f.call(
            request(
                "POST",
                "/api/conversations/" + f.shopConversation + "/files",
                "https://evil.example",
                f.annToken));
    assertThat(post.status()).as("the token decides, not the origin").isEqualTo(201);
    assertThat(post.headers()).doesNotContainKey("Access-Control-Allow-Origin");
  }

  @Test
  void aListedPageCanReadAnUploadsAnswerAndARefusalBeforeTheBody() throws Exception {
    Response post =
        f.call(
            request(
                "POST",
                "/api/conversations/" + f.shopConversation + "/files",
                FilesFixture.SHOP_PAGE,
                f.annToken));
    assertThat(post.status()).isEqualTo(201);
    assertThat(post.headers()).containsEntry("Access-Control-Allow-Origin", FilesFixture.SHOP_PAGE);

    Response refused =
        f.api
            .refusal(
                request(
                    "POST",
                    "/api/conversations/" + f.shopConversation + "/files",
                    FilesFixture.SHOP_PAGE,
                    f.bobToken))
            .get(10, TimeUnit.SECONDS)
            .orElseThrow();
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.headers())
        .containsEntry("Access-Control-Allow-Origin", FilesFixture.SHOP_PAGE);
  }
}
