package dev.parley.transport;

import dev.parley.core.Node;
import dev.parley.protocol.http.HttpApi;
import dev.parley.protocol.http.UploadGate;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtensionHandler;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateServerExtensionHandshaker;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * The pipeline of every accepted connection on the public listener, in order:
 *
 * <ol>
 *   <li>{@link FlushConsolidationHandler}: many writes in one event-loop turn, one flush; until the
 *       upgrade, after which {@link WebSocketSessionHandler} consolidates flushes by the same rule;
 *   <li>{@link HttpServerCodec}, {@link RequestBodyLimit} and {@link HttpObjectAggregator}:
 *       HTTP/1.1 requests, their bodies bounded (an upload's admitted by the {@link UploadGate}
 *       first); at the upgrade Netty's WebSocket frame decoder and encoder take the codec's place;
 *   <li>{@link ConnectionLimiter}: total and per-IP limits (503), the HTTP-phase deadline
 *       (slowloris); until the upgrade, after which {@link WebSocketSessionHandler} releases the
 *       connection's counts at its close;
 *   <li>{@link HttpSessionHandler}: the fallback transports under {@code /rt/};
 *   <li>{@link WebSocketFrameGuard}: the reserved bits of every frame, control frames included,
 *       before anything consumes one (1002); it adds the {@link Utf8FrameValidator} and the {@link
 *       WebSocketFrameAggregator} below when a connection's first fragmented message begins;
 *   <li>a {@link WebSocketServerExtensionHandler} for permessage-deflate alone, when compression is
 *       on; its decoder joins the pipeline here at the upgrade;
 *   <li>{@link HandshakeGuard}: refuses non-upgrade requests to {@code /ws}, foreign origins and
 *       bad tokens, and counts refusals;
 *   <li>{@link Utf8FrameValidator} (from a connection's first fragmented message on): fragments
 *       whose text is not UTF-8, a character split between two included (1007);
 *   <li>{@link WebSocketServerProtocolHandler}: the RFC 6455 upgrade at {@code /ws}, and answers
 *       pings; close frames go on to {@link WebSocketSessionHandler}, which checks their code;
 *   <li>{@link WebSocketFrameAggregator} (from a connection's first fragmented message on): joins
 *       fragments, 1009 past {@code maxMessageBytes};
 *   <li>{@link HttpRequestHandler}: {@code /healthz}, the REST API under {@code /api/}, static
 *       assets;
 *   <li>{@link WebSocketSessionHandler}: whole text messages to the core, once their text is
 *       checked (not UTF-8: 1007); the one close frame for every protocol violation found above
 *       (1002, 1007, 1009); as a {@link HeartbeatHandler}, pings and the 4408 time-out; and from
 *       the upgrade on the flush consolidation.
 * </ol>
 *
 * <p>At the upgrade the handlers that only serve HTTP (the flush consolidation, the body limit, the
 * fallback, the handshake guard, the routes, the limiter) leave the pipeline, and Netty's
 * handshaker leaves the channel's attributes: an idle WebSocket keeps only what its frames need
 * (docs/BENCHMARKS.md, "Idle heap per connection").
 *
 * <p>Thread-safe: the handlers it shares between channels are sharable; {@link #initChannel} runs
 * on each new channel's event loop.
 */
final class ParleyChannelInitializer extends ChannelInitializer<Channel> {

  private final TransportConfig config;
  private final HttpRequestHandler http;
  private final HandshakeGuard guard;
  private final ConnectionLimiter limiter;
  private final WebSocketFrameGuard frameGuard;
  private final RequestBodyLimit.Slots uploads =
      new RequestBodyLimit.Slots(
          RequestBodyLimit.LARGE_BODIES, RequestBodyLimit.LARGE_BODIES_PER_CLIENT);
  private final UploadGate uploadGate;
  private final HttpSessionHandler fallback;
  private final WebSocketServerProtocolConfig wsConfig;

  /**
   * What every WebSocket session handler of this listener shares: the Origin and Host values each
   * held once, one heartbeat timer per event loop for all of its WebSockets.
   */
  private final WebSocketSessionHandler.Shared sessions;

  /** TLS 1.2 and 1.3 only, or null for plain connections. */
  private final SslContext tls;

  ParleyChannelInitializer(
      TransportConfig config,
      Node node,
      ChannelGroup connections,
      HttpApi api,
      UploadGate uploadGate) {
    this.uploadGate = uploadGate;
    this.tls = tls(config);
    this.http = new HttpRequestHandler(api, HttpApi.Listener.PUBLIC);
    this.guard = new HandshakeGuard(node.metrics(), node.handshakePolicy(), node.authenticator());
    this.limiter =
        new ConnectionLimiter(
            config.maxConnections(),
            config.maxConnectionsPerIp(),
            config.handshakeTimeout().toNanos(),
            node.metrics(),
            config.trustedProxies());
    this.frameGuard = new WebSocketFrameGuard(config.maxMessageBytes());
    this.fallback = new HttpSessionHandler(node, config, guard);
    this.config = config;
    this.sessions =
        new WebSocketSessionHandler.Shared(
            node,
            connections,
            config.slowConsumerGrace(),
            new SharedHeaderValues(),
            new HeartbeatWheel.PerLoop(
                config.pingInterval().toNanos(), config.pongTimeout().toNanos()));
    this.wsConfig =
        WebSocketServerProtocolConfig.newBuilder()
            .websocketPath("/ws")
            .subprotocols(HandshakeGuard.SUBPROTOCOL)
            .checkStartsWith(true)
            .handshakeTimeoutMillis(config.handshakeTimeout().toMillis())
            .dropPongFrames(false)
            .handleCloseFrames(false)
            .decoderConfig(decoderConfig(config))
            .build();
  }

  /**
   * The frame decoder's rules (RFC 6455 5.2; see {@link WebSocketFrameGuard}). It only reports a
   * violation, as an exception; {@link WebSocketSessionHandler} sends the one close frame for it,
   * with the code the decoder chose. Extensions (reserved bits) are let through to the guard when
   * compression is on. The decoder checks a close frame's reason (1007) whatever the UTF-8 setting;
   * that setting only tells Netty's protocol handler to add a validator of its own for every
   * connection, which this pipeline does not want (the guard adds one at the first fragment).
   */
  static WebSocketDecoderConfig decoderConfig(TransportConfig config) {
    return WebSocketDecoderConfig.newBuilder()
        .maxFramePayloadLength(config.maxFrameBytes())
        .allowExtensions(config.compression())
        .allowMaskMismatch(false)
        .closeOnProtocolViolation(false)
        .withUTF8Validator(false)
        .build();
  }

  private static SslContext tls(TransportConfig config) {
    if (config.tlsCert() == null) {
      return null;
    }
    try {
      checkKeyMatchesCertificate(config.tlsCert(), config.tlsKey());
      return SslContextBuilder.forServer(config.tlsCert().toFile(), config.tlsKey().toFile())
          .protocols("TLSv1.3", "TLSv1.2")
          .build();
    } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "cannot use tls-cert "
              + config.tlsCert()
              + " and tls-key "
              + config.tlsKey()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /**
   * Fails at start-up, not at the first visitor's handshake, when the key is not the certificate's:
   * signs a nonce with the key and verifies it with the certificate's public key.
   */
  private static void checkKeyMatchesCertificate(Path certFile, Path keyFile)
      throws IOException, GeneralSecurityException {
    X509Certificate cert;
    try (InputStream in = Files.newInputStream(certFile)) {
      cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    String pem = Files.readString(keyFile);
    if (!pem.contains("-----BEGIN PRIVATE KEY-----")) {
      throw new IllegalArgumentException(
          "tls-key must be a PKCS#8 PEM key (BEGIN PRIVATE KEY); "
              + "convert with 'openssl pkcs8 -topk8 -nocrypt'");
    }
    byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
    String algorithm = cert.getPublicKey().getAlgorithm();
    PrivateKey key =
        KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
    String sigAlg =
        algorithm.equals("EC")
            ? "SHA256withECDSA"
            : algorithm.equals("RSA") ? "SHA256withRSA" : algorithm;
    byte[] nonce = new byte[32];
    new SecureRandom().nextBytes(nonce);
    Signature s = Signature.getInstance(sigAlg);
    s.initSign(key);
    s.update(nonce);
    byte[] sig = s.sign();
    Signature v = Signature.getInstance(sigAlg);
    v.initVerify(cert.getPublicKey());
    v.update(nonce);
    if (!v.verify(sig)) {
      throw new IllegalArgumentException("the key does not belong to the certificate");
    }
  }

  /** The SSE and long-polling sessions. */
  HttpSessionHandler fallback() {
    return fallback;
  }

  @Override
  protected void initChannel(Channel ch) {
    ChannelPipeline p = ch.pipeline();
    if (tls != null) {
      p.addLast("tls", tls.newHandler(ch.alloc()));
    }
    p.addLast("flush", new FlushConsolidationHandler(256, true));
    p.addLast("http", new HttpServerCodec());
    p.addLast("http-body-limit", new RequestBodyLimit(uploads, uploadGate, limiter));
    p.addLast("http-aggregator", new HttpObjectAggregator(RequestBodyLimit.UPLOAD_BYTES));
    p.addLast("limits", limiter);
    p.addLast("fallback", fallback);
    p.addLast("ws-frames", frameGuard);
    if (config.compression()) {
      // permessage-deflate (RFC 7692) only, not the old deflate-frame draft: RSV1 then means one
      // thing.
      p.addLast(
          "ws-deflate",
          new WebSocketServerExtensionHandler(
              new PerMessageDeflateServerExtensionHandshaker(config.maxMessageBytes())));
    }
    p.addLast("ws-guard", guard);
    p.addLast("ws", new WebSocketServerProtocolHandler(wsConfig));
    p.addLast("http-routes", http);
    p.addLast("session", new WebSocketSessionHandler(sessions));
  }
}
