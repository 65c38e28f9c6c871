package dev.parley.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HttpRequestHandlerTest {
  FullHttpResponse get(HttpMethod method, String uri) {
    EmbeddedChannel ch = new EmbeddedChannel(new HttpRequestHandler());
    ch.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri));
    FullHttpResponse res = ch.readOutbound();
    ch.finishAndReleaseAll();
    return res;
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
    for (String uri : new String[] {"/../pom.xml", "/nope.js", "/parley-web/../x", "//etc/passwd"}) {
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
}
