package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.testkit.TestServer;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** https and wss from a PEM certificate and key, TLS 1.2 and 1.3 only. */
@Timeout(60)
class TlsTest {
  @TempDir Path dir;

  Path[] selfSigned(String name) throws Exception {
    Path cert = dir.resolve(name + ".crt");
    Path key = dir.resolve(name + ".key");
    Process p =
        new ProcessBuilder(
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                key.toString(),
                "-out",
                cert.toString(),
                "-days",
                "2",
                "-subj",
                "/CN=127.0.0.1",
                "-addext",
                "subjectAltName=IP:127.0.0.1")
            .redirectErrorStream(true)
            .start();
    p.getInputStream().readAllBytes();
    assertThat(p.waitFor()).as("openssl made a certificate").isZero();
    return new Path[] {cert, key};
  }

  static SSLContext trusting(Path cert) throws Exception {
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    ks.load(null, null);
    try (InputStream in = Files.newInputStream(cert)) {
      ks.setCertificateEntry(
          "parley", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  @Test
  void httpsAndWssServeWithTheConfiguredCertificate() throws Exception {
    Path[] pem = selfSigned("server");
    try (TestServer server =
        TestServer.start(dir.resolve("data"), b -> b.tls(pem[0], pem[1]).agents(List.of()))) {
      SSLContext ctx = trusting(pem[0]);
      try (HttpClient http = HttpClient.newBuilder().sslContext(ctx).build()) {
        HttpResponse<String> health =
            http.send(
                HttpRequest.newBuilder(
                        URI.create("https://127.0.0.1:" + server.port() + "/healthz"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        CompletableFuture<String> reply = new CompletableFuture<>();
        WebSocket ws =
            http.newWebSocketBuilder()
                .buildAsync(
                    URI.create("wss://127.0.0.1:" + server.port() + "/ws"),
                    new WebSocket.Listener() {
                      @Override
                      public CompletionStage<?> onText(
                          WebSocket w, CharSequence data, boolean last) {
                        reply.complete(data.toString());
                        return null;
                      }
                    })
                .get(10, TimeUnit.SECONDS);
        ws.sendText("{\"type\":\"ping\",\"ref\":\"tls\"}", true);
        assertThat(reply.get(10, TimeUnit.SECONDS))
            .isEqualTo("{\"type\":\"pong\",\"ref\":\"tls\"}");
        ws.abort();
      }
      try (SSLSocket s =
          (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", server.port())) {
        s.startHandshake();
        assertThat(s.getSession().getProtocol()).isIn("TLSv1.3", "TLSv1.2");
      }
      try (SSLSocket old =
          (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", server.port())) {
        old.setEnabledProtocols(new String[] {"TLSv1.2"});
        old.startHandshake();
        assertThat(old.getSession().getProtocol()).isEqualTo("TLSv1.2");
      }
    }
  }

  /**
   * Over TLS every answer asks browsers to use https from now on; pages keep their policy and
   * framing rules.
   */
  @Test
  void overTlsAnswersCarryHstsAndPagesTheirContentSecurityPolicy() throws Exception {
    Path[] pem = selfSigned("headers");
    try (TestServer server =
            TestServer.start(dir.resolve("data3"), b -> b.tls(pem[0], pem[1]).agents(List.of()));
        HttpClient http = HttpClient.newBuilder().sslContext(trusting(pem[0])).build()) {
      String base = "https://127.0.0.1:" + server.port();
      for (String path : new String[] {"/", "/console/", "/healthz", "/widget.js", "/nope"}) {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create(base + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.headers().firstValue("Strict-Transport-Security"))
            .as(path)
            .hasValue("max-age=31536000");
        assertThat(r.headers().firstValue("X-Content-Type-Options")).as(path).hasValue("nosniff");
        assertThat(r.headers().firstValue("Referrer-Policy"))
            .as(path)
            .hasValue("strict-origin-when-cross-origin");
      }
      HttpResponse<String> demo =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(demo.headers().firstValue("Content-Security-Policy").orElseThrow())
          .startsWith("default-src 'self'; script-src 'self'; style-src 'self'")
          .endsWith("frame-ancestors 'self'");
      HttpResponse<String> console =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/console/")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(console.headers().firstValue("Content-Security-Policy").orElseThrow())
          .endsWith("frame-ancestors 'none'");
      assertThat(console.headers().firstValue("X-Frame-Options")).hasValue("DENY");
    }
  }

  @Test
  void aKeyThatDoesNotMatchStopsStartUpWithAClearMessage() throws Exception {
    Path[] a = selfSigned("a");
    Path[] b = selfSigned("b");
    assertThatThrownBy(
            () -> TestServer.start(dir.resolve("data2"), c -> c.tls(a[0], b[1]).agents(List.of())))
        .hasMessageContaining("tls-cert");
  }
}
