package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.parley.client.ParleyClient;
import dev.parley.edge.JwtVerifier;
import dev.parley.protocol.Codec;
import dev.parley.protocol.Push;
import dev.parley.protocol.chat.ChatProtocol;
import dev.parley.server.SitesFile;
import dev.parley.testkit.RawWebSocket;
import dev.parley.testkit.TestServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Authentication at the handshake (JWT HS256/RS256/ES256 from config, PEM files and a JWKS URL;
 * token in a header, query parameter, cookie or subprotocol), identity verification by a site's
 * backend, expiry on a live connection and in-band refresh, the admin role, and client addresses
 * behind a trusted proxy. The JWKS endpoint is a stand-in identity provider serving the real JWKS
 * format over HTTP.
 */
@Timeout(60)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthenticationTest {
  static final String SECRET = "an-identity-provider-secret-of-32-bytes-at-least";
  static final String VIP_SECRET = "the-vip-site-backend-signs-with-this-32-byte-secret";

  /**
   * The life of the tokens that expire during a test: long enough that the handshake, the hello and
   * an in-band refresh come before the end on a loaded machine (at 2 s, whose whole-second {@code
   * exp} left as little as 1 s, they could not be relied on to).
   */
  static final Duration SHORT_LIFE = Duration.ofSeconds(5);

  @TempDir static Path dir;
  TestServer server;
  HttpServer idp;
  final AtomicReference<JWKSet> published = new AtomicReference<>();
  final AtomicInteger jwksFetches = new AtomicInteger();
  final Codec codec = ChatProtocol.codec();
  final HttpClient http = HttpClient.newHttpClient();
  KeyPair rsaPem;
  KeyPair ecPem;
  RSAKey jwks1;
  RSAKey jwks2;

  @BeforeAll
  void start() throws Exception {
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    rsaPem = rsa.generateKeyPair();
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(new ECGenParameterSpec("secp256r1"));
    ecPem = ec.generateKeyPair();
    KeyPair k1 = rsa.generateKeyPair();
    jwks1 =
        new RSAKey.Builder((RSAPublicKey) k1.getPublic())
            .privateKey(k1.getPrivate())
            .keyID("k1")
            .build();
    KeyPair k2 = rsa.generateKeyPair();
    jwks2 =
        new RSAKey.Builder((RSAPublicKey) k2.getPublic())
            .privateKey(k2.getPrivate())
            .keyID("k2")
            .build();
    published.set(new JWKSet(jwks1.toPublicJWK()));

    idp = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    idp.createContext(
        "/.well-known/jwks.json",
        ex -> {
          jwksFetches.incrementAndGet();
          byte[] body = published.get().toString().getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().set("Content-Type", "application/json");
          ex.sendResponseHeaders(200, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    idp.start();

    Path rsaFile = pem(dir.resolve("rsa.pem"), rsaPem);
    Path ecFile = pem(dir.resolve("ec.pem"), ecPem);
    Path sites = dir.resolve("sites.json");
    Files.writeString(
        sites,
        """
        {"sites": [
          {"id": "shop", "greeting": "Hi from the shop"},
          {"id": "vip", "greeting": "Hi, valued customer", "anonymousVisitors": false,
           "identitySecret": "%s"}],
         "agents": [
          {"user": "alice", "sites": ["shop"], "password": "pw"},
          {"user": "root", "sites": ["shop"], "password": "pw", "admin": true}]}
        """
            .formatted(VIP_SECRET));
    URI jwksUrl =
        URI.create("http://127.0.0.1:" + idp.getAddress().getPort() + "/.well-known/jwks.json");
    server =
        TestServer.start(
            dir.resolve("data"),
            b ->
                b.sites(SitesFile.load(sites))
                    .agents(null)
                    .jwt(
                        new JwtVerifier.Settings(
                            SECRET,
                            List.of(rsaFile, ecFile),
                            jwksUrl,
                            null,
                            null,
                            Duration.ofMinutes(5),
                            Duration.ZERO))
                    .trustedProxies(List.of("127.0.0.1"))
                    .maxConnectionsPerIp(3)
                    .openChannels(true));
  }

  @AfterAll
  void stop() {
    server.close();
    idp.stop(0);
    http.close();
  }

  static Path pem(Path file, KeyPair kp) throws Exception {
    String b64 =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(kp.getPublic().getEncoded());
    Files.writeString(file, "-----BEGIN PUBLIC KEY-----\n" + b64 + "\n-----END PUBLIC KEY-----\n");
    return file;
  }

  @SuppressWarnings("JavaUtilDate") // Nimbus JOSE speaks java.util.Date
  static String jwt(
      JWSSigner signer, JWSAlgorithm alg, String kid, Map<String, Object> claims, Duration validFor)
      throws Exception {
    // exp is in whole seconds: rounded up, so the token lives at least validFor.
    long expSeconds = Math.floorDiv(System.currentTimeMillis() + validFor.toMillis() + 999, 1000);
    JWTClaimsSet.Builder c = new JWTClaimsSet.Builder().expirationTime(new Date(expSeconds * 1000));
    claims.forEach(c::claim);
    SignedJWT t =
        new SignedJWT(
            new JWSHeader.Builder(alg).type(JOSEObjectType.JWT).keyID(kid).build(), c.build());
    t.sign(signer);
    return t.serialize();
  }

  static String hs256(String secret, Map<String, Object> claims, Duration validFor)
      throws Exception {
    return jwt(
        new MACSigner(secret.getBytes(StandardCharsets.UTF_8)),
        JWSAlgorithm.HS256,
        null,
        claims,
        validFor);
  }

  String token(String sub) throws Exception {
    return hs256(SECRET, Map.of("sub", sub), Duration.ofHours(1));
  }

  RawWebSocket open(String path, Map<String, String> headers) throws Exception {
    return RawWebSocket.connect("127.0.0.1", server.port(), path, headers);
  }

  Push.Welcome hello(RawWebSocket ws, String helloJson) throws Exception {
    ws.sendText(helloJson);
    Push p = codec.decodePush(ws.readText());
    assertThat(p).as("reply to hello").isInstanceOf(Push.Welcome.class);
    return (Push.Welcome) p;
  }

  int status(String path, Map<String, String> headers) throws Exception {
    try (RawWebSocket ws = open(path, headers)) {
      return ws.status();
    }
  }

  @Test
  void aJwtInAnyOfTheFourPlacesAuthenticatesTheConnectionAtTheHandshake() throws Exception {
    Map<String, Map<String, String>> ways = new HashMap<>();
    ways.put("/ws", Map.of("Authorization", "Bearer " + token("via-header")));
    ways.put("/ws?token=" + token("via-query"), Map.of());
    // The cookie counts only for a page of the server's own origin (docs/SECURITY.md#tokens).
    ways.put(
        "/ws?x=1",
        Map.of(
            "Cookie",
            "theme=dark; parley_token=" + token("via-cookie"),
            "Origin",
            "http://127.0.0.1:" + server.port()));
    ways.put(
        "/ws?y=1", Map.of("Sec-WebSocket-Protocol", "parley.v1, bearer." + token("via-protocol")));
    for (var way : ways.entrySet()) {
      try (RawWebSocket ws = open(way.getKey(), way.getValue())) {
        assertThat(ws.status()).as(way.getKey() + " " + ws.responseHeaders()).isEqualTo(101);
        Push.Welcome w = hello(ws, "{\"type\":\"hello\"}");
        assertThat(w.user()).startsWith("via-");
        assertThat(w.claim("role")).isEqualTo("visitor");
        assertThat(w.expiresAt()).isGreaterThan(System.currentTimeMillis());
        if (way.getValue().containsKey("Sec-WebSocket-Protocol")) {
          assertThat(ws.responseHeaders().get("sec-websocket-protocol")).isEqualTo("parley.v1");
        }
      }
    }
  }

  @Test
  void rs256AndEs256TokensVerifyWithConfiguredPemKeys() throws Exception {
    String rs =
        jwt(
            new RSASSASigner(rsaPem.getPrivate()),
            JWSAlgorithm.RS256,
            null,
            Map.of("sub", "rsa-user"),
            Duration.ofHours(1));
    String es =
        jwt(
            new ECDSASigner((ECPrivateKey) ecPem.getPrivate()),
            JWSAlgorithm.ES256,
            "any-kid",
            Map.of("sub", "ec-user"),
            Duration.ofHours(1));
    try (RawWebSocket ws = open("/ws", Map.of("Authorization", "Bearer " + rs))) {
      assertThat(hello(ws, "{\"type\":\"hello\"}").user()).isEqualTo("rsa-user");
    }
    try (RawWebSocket ws = open("/ws", Map.of("Authorization", "Bearer " + es))) {
      assertThat(hello(ws, "{\"type\":\"hello\"}").user()).isEqualTo("ec-user");
    }
  }

  @Test
  void expiredForgedAndUnsignedTokensGet401() throws Exception {
    double before =
        LimitsTest.metric(server, "parley_handshakes_rejected_total{reason=\"unauthorized\"}");
    String expired = hs256(SECRET, Map.of("sub", "late"), Duration.ofHours(-1));
    String wrongKey =
        hs256(
            "somebody-elses-secret-that-is-32-bytes-long!!",
            Map.of("sub", "mallory"),
            Duration.ofHours(1));
    String b64 = "eyJhbGciOiJub25lIn0"; // {"alg":"none"}
    String none =
        b64
            + "."
            + Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(
                    ("{\"sub\":\"mallory\",\"role\":\"admin\",\"exp\":"
                            + (System.currentTimeMillis() / 1000 + 3600)
                            + "}")
                        .getBytes(StandardCharsets.UTF_8))
            + ".";
    String hsWithRsaPublicKeyAsSecret =
        hs256(
            new String(rsaPem.getPublic().getEncoded(), StandardCharsets.ISO_8859_1),
            Map.of("sub", "mallory"),
            Duration.ofHours(1));
    for (String bad :
        List.of(
            expired, wrongKey, none, hsWithRsaPublicKeyAsSecret, "v1.v_forged.AAAA", "garbage")) {
      try (RawWebSocket ws = open("/ws", Map.of("Authorization", "Bearer " + bad))) {
        assertThat(ws.status()).as(bad).isEqualTo(401);
        assertThat(ws.responseHeaders().get("www-authenticate"))
            .startsWith("Bearer error=\"invalid_token\"");
      }
    }
    try (RawWebSocket ws = open("/ws", Map.of("Authorization", "Bearer " + expired))) {
      assertThat(ws.responseHeaders().get("www-authenticate")).contains("token expired");
    }
    assertThat(
            LimitsTest.metric(server, "parley_handshakes_rejected_total{reason=\"unauthorized\"}"))
        .isEqualTo(before + 7);
  }

  @Test
  void jwksKeysAreCachedAndReReadWhenATokenNamesANewKey() throws Exception {
    String t1 =
        jwt(
            new RSASSASigner(jwks1),
            JWSAlgorithm.RS256,
            "k1",
            Map.of("sub", "idp-user"),
            Duration.ofHours(1));
    // The first handshake reads the JWKS unless an earlier test did (a read slower than the
    // client's 500 ms on a loaded machine is retried once); the next ones use the cache.
    int fetchesBefore = jwksFetches.get();
    assertThat(status("/ws", Map.of("Authorization", "Bearer " + t1))).isEqualTo(101);
    int afterFirst = jwksFetches.get();
    assertThat(afterFirst - fetchesBefore).as("one read (and its retry)").isLessThanOrEqualTo(2);
    for (int i = 0; i < 2; i++) {
      assertThat(status("/ws", Map.of("Authorization", "Bearer " + t1))).isEqualTo(101);
    }
    assertThat(jwksFetches.get()).as("then the cache").isEqualTo(afterFirst);

    // The identity provider rotates to k2: a token naming k2 makes the server read the JWKS again.
    published.set(new JWKSet(List.of(jwks1.toPublicJWK(), jwks2.toPublicJWK())));
    String t2 =
        jwt(
            new RSASSASigner(jwks2),
            JWSAlgorithm.RS256,
            "k2",
            Map.of("sub", "idp-user"),
            Duration.ofHours(1));
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(status("/ws", Map.of("Authorization", "Bearer " + t2))).isEqualTo(101));
  }

  @Test
  void aSiteWithoutAnonymousVisitorsNeedsItsBackendsIdentityToken() throws Exception {
    assertThat(status("/ws?site=vip", Map.of())).isEqualTo(401);
    assertThat(status("/ws?site=shop", Map.of()))
        .as("shop lets anonymous visitors in")
        .isEqualTo(101);

    String identity =
        hs256(VIP_SECRET, Map.of("sub", "customer-42", "site", "vip"), Duration.ofHours(1));
    try (RawWebSocket ws = open("/ws?site=vip", Map.of("Authorization", "Bearer " + identity))) {
      assertThat(ws.status()).isEqualTo(101);
      Push.Welcome w = hello(ws, "{\"type\":\"hello\",\"site\":\"vip\"}");
      assertThat(w.user()).isEqualTo("vip:customer-42");
      assertThat(w.claim("role")).isEqualTo("visitor");
    }
    // The site's token binds the site: it cannot be used to speak as a visitor of another site.
    try (RawWebSocket ws = open("/ws", Map.of("Authorization", "Bearer " + identity))) {
      ws.sendText("{\"type\":\"hello\",\"site\":\"shop\"}");
      Push.Error e = (Push.Error) codec.decodePush(ws.readText());
      assertThat(e.code()).isEqualTo("unauthorized");
      assertThat(e.field()).isEqualTo("site");
    }
    String forged = hs256(SECRET, Map.of("sub", "customer-42", "site", "vip"), Duration.ofHours(1));
    assertThat(status("/ws?site=vip", Map.of("Authorization", "Bearer " + forged)))
        .as("signed by the deployment's key, not the site's")
        .isEqualTo(401);
    String elevated =
        hs256(
            VIP_SECRET,
            Map.of("sub", "customer-42", "site", "vip", "role", "admin"),
            Duration.ofHours(1));
    assertThat(status("/ws?site=vip", Map.of("Authorization", "Bearer " + elevated)))
        .as("a site's backend makes visitors only")
        .isEqualTo(401);
  }

  @Test
  void aTokenThatExpiresOnALiveConnectionClosesItWith4401() throws Exception {
    String shortLived = hs256(SECRET, Map.of("sub", "brief"), SHORT_LIFE);
    try (RawWebSocket ws = open("/ws", Map.of("Authorization", "Bearer " + shortLived))) {
      hello(ws, "{\"type\":\"hello\"}");
      ws.readTimeoutMillis(30_000);
      assertThat(ws.awaitClose()).isEqualTo(4401);
    }
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                LimitsTest.metric(
                        server,
                        "parley_connections_closed_total{code=\"4401\",transport=\"websocket\"}")
                    >= 1);
  }

  @Test
  void aConnectionThatRefreshesItsTokenInBandStaysOpenPastTheOldExpiry() throws Exception {
    String shortLived = hs256(SECRET, Map.of("sub", "steady"), SHORT_LIFE);
    try (RawWebSocket ws = open("/ws", Map.of("Authorization", "Bearer " + shortLived))) {
      long oldExpiry = hello(ws, "{\"type\":\"hello\"}").expiresAt();

      ws.sendText("{\"type\":\"auth\",\"ref\":\"a1\",\"token\":\"" + token("someone-else") + "\"}");
      Push.Error refused = (Push.Error) codec.decodePush(ws.readText());
      assertThat(refused.code()).isEqualTo("forbidden");
      assertThat(refused.ref()).isEqualTo("a1");

      ws.sendText("{\"type\":\"auth\",\"ref\":\"a2\",\"token\":\"" + token("steady") + "\"}");
      Push.Authed authed = (Push.Authed) codec.decodePush(ws.readText());
      assertThat(authed.ref()).isEqualTo("a2");
      assertThat(authed.expiresAt()).isGreaterThan(oldExpiry + 3_000_000);

      await()
          .atMost(SHORT_LIFE.plusSeconds(30))
          .until(() -> System.currentTimeMillis() > oldExpiry + 1000);
      ws.sendText("{\"type\":\"ping\",\"ref\":\"still-here\"}");
      assertThat(codec.decodePush(ws.readText())).isEqualTo(new Push.Pong("still-here"));
    }
  }

  @Test
  void theJavaSdkRefreshesItsTokenInBandAndKeepsItsConnection() throws Exception {
    double closedBefore =
        LimitsTest.metric(
            server, "parley_connections_closed_total{code=\"4401\",transport=\"websocket\"}");
    String shortLived = hs256(SECRET, Map.of("sub", "sdk-user"), SHORT_LIFE);
    long oldExpiry =
        SignedJWT.parse(shortLived)
            .getJWTClaimsSet()
            .getExpirationTime()
            .toInstant()
            .toEpochMilli();
    AtomicInteger provided = new AtomicInteger();
    try (ParleyClient client =
        ParleyClient.builder(server.wsUri())
            .token(shortLived)
            .tokenProvider(
                () -> {
                  provided.incrementAndGet();
                  try {
                    return token("sdk-user");
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                })
            .build()) {
      client.connect().get(10, TimeUnit.SECONDS);
      client.join("sdk-room");
      await().atMost(Duration.ofSeconds(20)).until(() -> provided.get() == 1);
      await()
          .atMost(SHORT_LIFE.plusSeconds(30))
          .until(() -> System.currentTimeMillis() > oldExpiry + 1000);
      assertThat(client.send("sdk-room", "still me").get(10, TimeUnit.SECONDS).seq()).isEqualTo(1);
      assertThat(client.state()).isEqualTo(ParleyClient.State.CONNECTED);
    }
    assertThat(
            LimitsTest.metric(
                server, "parley_connections_closed_total{code=\"4401\",transport=\"websocket\"}"))
        .isEqualTo(closedBefore);
  }

  @Test
  void agentsAndAdminsFromTheIdentityProviderAndTheAdminApiIsForAdminsOnly() throws Exception {
    String agentJwt = hs256(SECRET, Map.of("sub", "alice", "role", "agent"), Duration.ofHours(1));
    try (RawWebSocket ws = open("/ws", Map.of("Authorization", "Bearer " + agentJwt))) {
      Push.Welcome w = hello(ws, "{\"type\":\"hello\"}");
      assertThat(w.user()).isEqualTo("alice");
      assertThat(w.claim("role")).isEqualTo("agent");
    }
    String unknownAgent =
        hs256(SECRET, Map.of("sub", "nobody", "role", "agent"), Duration.ofHours(1));
    assertThat(status("/ws", Map.of("Authorization", "Bearer " + unknownAgent))).isEqualTo(401);

    String aliceLogin;
    String rootLogin;
    try (RawWebSocket ws = open("/ws", Map.of())) {
      aliceLogin = hello(ws, "{\"type\":\"hello\",\"user\":\"alice\",\"password\":\"pw\"}").token();
    }
    try (RawWebSocket ws = open("/ws", Map.of())) {
      Push.Welcome w = hello(ws, "{\"type\":\"hello\",\"user\":\"root\",\"password\":\"pw\"}");
      assertThat(w.claim("role")).isEqualTo("admin");
      assertThat(w.expiresAt()).as("agent tokens are short-lived").isNotNull();
      rootLogin = w.token();
    }
    // An agent token at the handshake works like one in hello.
    try (RawWebSocket ws = open("/ws", Map.of("Authorization", "Bearer " + aliceLogin))) {
      assertThat(hello(ws, "{\"type\":\"hello\"}").claim("role")).isEqualTo("agent");
    }
    String adminJwt = hs256(SECRET, Map.of("sub", "ops-bot", "role", "admin"), Duration.ofHours(1));
    assertThat(adminStats(null)).isEqualTo(401);
    assertThat(adminStats(token("a-visitor"))).isEqualTo(401);
    assertThat(adminStats(aliceLogin)).isEqualTo(403);
    assertThat(adminStats(rootLogin)).isEqualTo(200);
    assertThat(adminStats(adminJwt)).isEqualTo(200);
  }

  int adminStats(String token) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.port() + "/api/admin/stats"));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  @Test
  void behindATrustedProxyThePerIpLimitCountsTheForwardedClient() throws Exception {
    List<RawWebSocket> held = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        RawWebSocket ws = open("/ws", Map.of("X-Forwarded-For", "203.0.113.7, 127.0.0.1"));
        assertThat(ws.status()).isEqualTo(101);
        held.add(ws);
      }
      assertThat(status("/ws", Map.of("X-Forwarded-For", "203.0.113.7")))
          .as("fourth from one client")
          .isEqualTo(503);
      assertThat(status("/ws", Map.of("X-Forwarded-For", "203.0.113.8")))
          .as("another client through the same proxy")
          .isEqualTo(101);
    } finally {
      for (RawWebSocket ws : held) {
        ws.close();
      }
    }
  }
}
