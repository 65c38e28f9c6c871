package dev.parley.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.protocol.http.HttpApi;
import dev.parley.protocol.http.HttpApi.Listener;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * {@link HttpRequestHandler} in an {@link EmbeddedChannel}: health, static assets (from the test
 * class path's {@code parley-web/}), the security headers of every answer, the API with the
 * listener each request came on, and what the admin listener serves.
 */
class HttpRequestHandlerTest {
  static final String CSP_START =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
          + "media-src 'self' blob:; connect-src 'self' ws: wss:; base-uri 'none'; "
          + "form-action 'self'; ";

  /** Requests the API was handed. */
  final List<HttpApi.Request> apiRequests = new ArrayList<>();

  final HttpApi api =
      r -> {
        apiRequests.add(r);
        return CompletableFuture.completedFuture(
            HttpApi.Response.json(200, "{\"listener\":\"" + r.listener() + "\"}"));
      };

  FullHttpResponse get(HttpMethod method, String uri) {
    return request(new HttpRequestHandler(api, Listener.PUBLIC), method, uri);
  }

  static FullHttpResponse request(
      ChannelHandler handler, HttpMethod method, String uri, ChannelHandler... after) {
    EmbeddedChannel ch = new EmbeddedChannel(handler);
    ch.pipeline().addLast(after);
    ch.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri));
    ch.runPendingTasks();
    FullHttpResponse res = null;
    for (Object o = ch.readOutbound(); o != null; o = ch.readOutbound()) {
      if (o instanceof FullHttpResponse r && res == null) {
        res = r;
      } else {
        ReferenceCountUtil.release(o); // a TLS handshake's bytes
      }
    }
    ch.finishAndReleaseAll();
    return res;
  }

  static Map<String, String> headers(FullHttpResponse res) {
    Map<String, String> h = new HashMap<>();
    res.headers().forEach(e -> h.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue()));
    res.release();
    return h;
  }

  @Test
  void healthzAnswersUp() {
    FullHttpResponse res = get(HttpMethod.GET, "/healthz");
    assertThat(res.status().code()).isEqualTo(200);
    assertThat(res.content().toString(StandardCharsets.UTF_8)).contains("\"status\":\"up\"");
    res.release();
  }

  @Test
  void theIndexPageIsServedAsHtml() {
    FullHttpResponse res = get(HttpMethod.GET, "/");
    assertThat(res.status().code()).isEqualTo(200);
    assertThat(res.headers().get(HttpHeaderNames.CONTENT_TYPE)).startsWith("text/html");
    assertThat(res.content().toString(StandardCharsets.UTF_8)).contains("Parley");
    res.release();
  }

  @Test
  void aFolderServesItsIndexAndWithoutTheSlashRedirectsToIt() {
    FullHttpResponse res = get(HttpMethod.GET, "/folder/");
    assertThat(res.status().code()).isEqualTo(200);
    assertThat(res.content().toString(StandardCharsets.UTF_8)).contains("a folder index");
    res.release();
    FullHttpResponse moved = get(HttpMethod.GET, "/folder");
    assertThat(moved.status().code()).isEqualTo(301);
    assertThat(moved.headers().get(HttpHeaderNames.LOCATION)).isEqualTo("/folder/");
    moved.release();
    FullHttpResponse none = get(HttpMethod.GET, "/nofolder");
    assertThat(none.status().code()).isEqualTo(404);
    none.release();
  }

  @Test
  void pathTraversalAndUnknownPathsAre404() {
    for (String uri :
        new String[] {"/../pom.xml", "/nope.js", "/parley-web/../x", "//etc/passwd"}) {
      FullHttpResponse res = get(HttpMethod.GET, uri);
      assertThat(res.status().code()).as(uri).isEqualTo(404);
      res.release();
    }
  }

  @Test
  void writesAreNotAllowed() {
    FullHttpResponse res = get(HttpMethod.POST, "/healthz");
    assertThat(res.status().code()).isEqualTo(405);
    res.release();
  }

  @Test
  void headHasNoBodyButTheLength() {
    FullHttpResponse res = get(HttpMethod.HEAD, "/healthz");
    assertThat(res.status().code()).isEqualTo(200);
    assertThat(res.content().readableBytes()).isZero();
    assertThat(res.headers().getInt(HttpHeaderNames.CONTENT_LENGTH)).isPositive();
    res.release();
  }

  @Test
  void theConsoleTheDashboardAndOtherPagesRunOnlyTheServersOwnCodeAndAreNeverFramed() {
    for (String uri : new String[] {"/console/", "/dashboard/", "/folder/"}) {
      Map<String, String> h = headers(get(HttpMethod.GET, uri));
      assertThat(h)
          .as(uri)
          .containsEntry("content-security-policy", CSP_START + "frame-ancestors 'none'")
          .containsEntry("x-frame-options", "DENY");
    }
  }

  @Test
  void theDemoPageMayBeFramedByTheServersOwnPagesOnly() {
    Map<String, String> h = headers(get(HttpMethod.GET, "/"));
    assertThat(h)
        .containsEntry("content-security-policy", CSP_START + "frame-ancestors 'self'")
        .containsEntry("x-frame-options", "SAMEORIGIN");
  }

  @Test
  void theOperationsBoardMayBeFramedByAnySite() {
    Map<String, String> h = headers(get(HttpMethod.GET, "/ops-board/"));
    assertThat(h)
        .containsEntry("content-security-policy", CSP_START + "frame-ancestors *")
        .doesNotContainKey("x-frame-options");
  }

  @Test
  void everyAnswerSaysNosniffAndItsReferrerPolicyAndNoHstsWithoutTls() {
    Object[][] cases = {
      {HttpMethod.GET, "/"},
      {HttpMethod.GET, "/healthz"},
      {HttpMethod.GET, "/nope.js"},
      {HttpMethod.GET, "/folder"},
      {HttpMethod.POST, "/healthz"},
      {HttpMethod.GET, "/api/queue"},
      {HttpMethod.HEAD, "/sdk/parley.js"},
      {HttpMethod.GET, "/console/console.css"}
    };
    for (Object[] c : cases) {
      Map<String, String> h = headers(get((HttpMethod) c[0], (String) c[1]));
      assertThat(h)
          .as("%s %s", c[0], c[1])
          .containsEntry("x-content-type-options", "nosniff")
          .containsEntry("referrer-policy", "strict-origin-when-cross-origin")
          .doesNotContainKey("strict-transport-security");
    }
  }

  @Test
  void overTlsEveryAnswerAsksForHttpsFromNowOn() throws Exception {
    SslContext client = SslContextBuilder.forClient().build();
    for (String uri : new String[] {"/", "/healthz", "/nope", "/api/queue"}) {
      // The connection is TLS when its pipeline has a TLS handler (here behind the one tested, out
      // of its way).
      Map<String, String> h =
          headers(
              request(
                  new HttpRequestHandler(api, Listener.PUBLIC),
                  HttpMethod.GET,
                  uri,
                  client.newHandler(ByteBufAllocator.DEFAULT)));
      assertThat(h).as(uri).containsEntry("strict-transport-security", "max-age=31536000");
    }
  }

  @Test
  void theWidgetAndTheSdkStayLoadableFromOtherSitesPages() {
    for (String uri : new String[] {"/widget.js", "/sdk/parley.js"}) {
      Map<String, String> h = headers(get(HttpMethod.GET, uri));
      assertThat(h)
          .as(uri)
          .containsEntry("access-control-allow-origin", "*")
          .containsEntry("cross-origin-resource-policy", "cross-origin")
          .containsEntry("content-type", "text/javascript; charset=utf-8")
          .doesNotContainKey("x-frame-options");
    }
    assertThat(headers(get(HttpMethod.GET, "/console/console.css")))
        .doesNotContainKey("access-control-allow-origin");
  }

  @Test
  void theApiLearnsTheListenerOfEachRequest() {
    assertThat(get(HttpMethod.GET, "/metrics").content().toString(StandardCharsets.UTF_8))
        .contains("PUBLIC");
    FullHttpResponse admin =
        request(new HttpRequestHandler(api, Listener.ADMIN), HttpMethod.GET, "/metrics");
    assertThat(admin.status().code()).isEqualTo(200);
    admin.release();
    assertThat(apiRequests)
        .extracting(HttpApi.Request::listener)
        .containsExactly(Listener.PUBLIC, Listener.ADMIN);
  }

  @Test
  void theAdminListenerServesTheOperatorsEndpointsAndNothingElse() {
    for (String uri : new String[] {"/metrics", "/readyz", "/healthz"}) {
      FullHttpResponse res =
          request(new HttpRequestHandler(api, Listener.ADMIN), HttpMethod.GET, uri);
      assertThat(res.status().code()).as(uri).isEqualTo(200);
      res.release();
    }
    for (String uri :
        new String[] {"/", "/widget.js", "/api/queue", "/api/admin/stats", "/console/"}) {
      FullHttpResponse res =
          request(new HttpRequestHandler(api, Listener.ADMIN), HttpMethod.GET, uri);
      assertThat(res.status().code()).as(uri).isEqualTo(404);
      res.release();
    }
    assertThat(apiRequests)
        .extracting(HttpApi.Request::path)
        .containsExactly("/metrics", "/readyz");
  }
}
