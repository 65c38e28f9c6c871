package dev.parley.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.core.HandshakePolicy;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.local.LocalChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The fallback transports' endpoints ({@link HttpSessionHandler} behind the real {@link
 * ConnectionLimiter} and {@link HandshakeGuard}, on a real core) in {@link EmbeddedChannel}s from
 * real client addresses: each request is its own connection, as browsers make them, and the session
 * lives on the event loop of the connection that opened it. Open, poll, the event stream, send,
 * close, 404 for an unknown session, 413, the per-address limit, server-made session ids, and who
 * may carry on a session (the opener's origin).
 */
@Timeout(30)
class HttpSessionHandlerTest {
  static final String HOST = "chat.test:8080";
  static final String OWN = "http://chat.test:8080";
  static final String SHOP = "https://shop.example";
  static final String KEY = "routing-key-0123456789abcdef";
  static final String CLIENT = "192.0.2.10";
  static final Pattern SID = Pattern.compile("\"sid\":\"([^\"]+)\"");

  final RecordingMetrics metrics = new RecordingMetrics();

  /**
   * The site policy: the server's own pages, the shop's, sandboxed pages ({@code null}) and
   * non-browsers may open.
   */
  final HandshakePolicy policy =
      new HandshakePolicy() {
        @Override
        public boolean originAllowed(Request r) {
          return r.origin() == null
              || r.origin().equals(SHOP)
              || r.origin().equals("null")
              || Origins.isServersOwn(r.origin(), r.host());
        }
      };

  final TestNodes core = new TestNodes(metrics, policy);
  final List<EmbeddedChannel> channels = new ArrayList<>();
  HttpSessionHandler handler;
  ConnectionLimiter limiter;

  /** A server whose per-address limit is {@code perAddress}. */
  void server(int perAddress) {
    TransportConfig config =
        TransportConfig.newBuilder()
            .maxConnectionsPerIp(perAddress)
            .maxFrameBytes(1024)
            .maxMessageBytes(1024)
            .build();
    limiter =
        new ConnectionLimiter(10_000, 10_000, TimeUnit.SECONDS.toNanos(10), metrics, List.of());
    handler =
        new HttpSessionHandler(core.node, config, new HandshakeGuard(metrics, policy, core.tokens));
  }

  @AfterEach
  void stop() {
    for (EmbeddedChannel ch : channels) {
      ch.finishAndReleaseAll();
    }
    core.close();
  }

  /** An answer: status, headers and body text (an event stream's chunks joined). */
  record Answer(int status, Map<String, String> headers, String body) {
    String sid() {
      Matcher m = SID.matcher(body);
      assertThat(m.find()).as("a sid in %s", body).isTrue();
      return m.group(1);
    }
  }

  /** One request on a new connection from {@code ip}; runs every loop until all is done. */
  Answer request(
      String ip, HttpMethod method, String uri, Map<String, String> headers, String body) {
    EmbeddedChannel ch = AddressedChannel.from(ip, limiter, handler);
    channels.add(ch);
    FullHttpRequest req =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1, method, uri, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    req.headers().set(HttpHeaderNames.HOST, HOST);
    headers.forEach((k, v) -> req.headers().set(k, v));
    ch.writeInbound(req);
    settle();
    return answer(ch);
  }

  Answer request(HttpMethod method, String uri, Map<String, String> headers) {
    return request(CLIENT, method, uri, headers, "");
  }

  /**
   * Runs what every connection's loop has queued until nothing is left (requests hop to their
   * session's loop).
   */
  void settle() {
    for (int round = 0; round < 5; round++) {
      for (EmbeddedChannel c : channels) {
        c.runPendingTasks();
      }
    }
  }

  /** What {@code ch} was answered, or null when nothing yet. */
  static Answer answer(EmbeddedChannel ch) {
    Object first = ch.readOutbound();
    if (first == null) {
      return null;
    }
    HttpResponse head = (HttpResponse) first;
    Map<String, String> headers = new LinkedHashMap<>();
    head.headers().forEach(h -> headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
    StringBuilder body = new StringBuilder();
    Object part = first;
    while (part != null) {
      if (part instanceof HttpContent c) {
        body.append(c.content().toString(StandardCharsets.UTF_8));
      }
      ReferenceCountUtil.release(part);
      part = first instanceof FullHttpResponse ? null : ch.readOutbound();
    }
    return new Answer(head.status().code(), headers, body.toString());
  }

  String open(String transport, Map<String, String> headers) {
    Answer a = request(HttpMethod.POST, "/rt/open?transport=" + transport + "&key=" + KEY, headers);
    assertThat(a.status()).as(a.body()).isEqualTo(200);
    return a.sid();
  }

  @Test
  void theSessionIdIsTheRoutingKeyPlus128RandomBitsOfTheServers() {
    server(1000);
    String first = open("longpoll", Map.of());
    String second = open("longpoll", Map.of());
    assertThat(first).matches(Pattern.quote(KEY) + "\\.[A-Za-z0-9_-]{22}");
    assertThat(second)
        .as("the same key opens another session, not a conflict")
        .matches(Pattern.quote(KEY) + "\\..{22}")
        .isNotEqualTo(first);
    Answer keyless = request(HttpMethod.POST, "/rt/open?transport=sse", Map.of());
    assertThat(keyless.sid()).matches("[A-Za-z0-9_-]{22}");
    assertThat(request(HttpMethod.POST, "/rt/open?transport=sse&key=short", Map.of()).status())
        .isEqualTo(400);
    assertThat(request(HttpMethod.POST, "/rt/open?transport=carrier-pigeon", Map.of()).status())
        .isEqualTo(400);
    assertThat(request(HttpMethod.GET, "/rt/open?transport=sse", Map.of()).status()).isEqualTo(405);
  }

  /** The attack: knowing (or choosing) a session's key was enough to read and write its session. */
  @Test
  void theRoutingKeyAloneNamesNoSession() {
    server(1000);
    open("longpoll", Map.of());
    assertThat(request(HttpMethod.POST, "/rt/" + KEY + "/send", Map.of()).status()).isEqualTo(404);
    assertThat(request(HttpMethod.GET, "/rt/" + KEY + "/poll?after=0", Map.of()).status())
        .isEqualTo(404);
  }

  @Test
  void commandsGoInByPostAndEventsComeOutByPollNumberedFromOne() {
    server(1000);
    String sid = open("longpoll", Map.of());
    assertThat(
            request(
                    CLIENT,
                    HttpMethod.POST,
                    "/rt/" + sid + "/send",
                    Map.of(),
                    "{\"type\":\"hello\"}\n" + "{\"type\":\"ping\",\"ref\":\"p\"}")
                .status())
        .isEqualTo(204);
    Answer poll = request(HttpMethod.GET, "/rt/" + sid + "/poll?after=0", Map.of());
    assertThat(poll.status()).isEqualTo(200);
    assertThat(poll.body())
        .startsWith("{\"frames\":[{\"id\":1,\"data\":{\"type\":\"welcome\"")
        .contains("{\"id\":2,\"data\":{\"type\":\"pong\",\"ref\":\"p\"}}");
    assertThat(poll.headers())
        .containsEntry("x-content-type-options", "nosniff")
        .containsEntry("referrer-policy", "strict-origin-when-cross-origin");
    Answer after = request(HttpMethod.GET, "/rt/" + sid + "/poll?after=2", Map.of());
    assertThat(after).as("nothing after 2: the poll is held").isNull();
  }

  @Test
  void aHelloOnTheOpeningRequestIsCarriedOutAtOnceItsWelcomeTheFirstEvent() {
    server(1000);
    Answer opened =
        request(HttpMethod.POST, "/rt/open?transport=longpoll&key=" + KEY + "&hello=1", Map.of());
    assertThat(opened.status()).as(opened.body()).isEqualTo(200);
    Answer poll = request(HttpMethod.GET, "/rt/" + opened.sid() + "/poll?after=0", Map.of());
    assertThat(poll.body()).startsWith("{\"frames\":[{\"id\":1,\"data\":{\"type\":\"welcome\"");
  }

  @Test
  void theEventStreamCarriesEveryEventWithItsId() {
    server(1000);
    String sid = open("sse", Map.of());
    request(
        CLIENT,
        HttpMethod.POST,
        "/rt/" + sid + "/send",
        Map.of(),
        "{\"type\":\"ping\",\"ref\":\"s\"}");
    Answer stream = request(HttpMethod.GET, "/rt/" + sid + "/events", Map.of());
    assertThat(stream.status()).isEqualTo(200);
    assertThat(stream.headers())
        .containsEntry("content-type", "text/event-stream; charset=utf-8")
        .containsEntry("x-content-type-options", "nosniff");
    assertThat(stream.body())
        .contains("retry: 1000\n\n")
        .contains("id: 1\ndata: {\"type\":\"pong\",\"ref\":\"s\"}\n\n");
  }

  @Test
  void closeEndsTheSessionLateRequestsLearnItsCodeThenAnUnknownSessionIs404() {
    server(1000);
    String sid = open("longpoll", Map.of());
    assertThat(request(HttpMethod.POST, "/rt/" + sid + "/close", Map.of()).status()).isEqualTo(204);
    assertThat(handler.openCount()).isZero();
    Answer late = request(HttpMethod.GET, "/rt/" + sid + "/poll?after=0", Map.of());
    assertThat(late.body()).contains("\"close\":{\"code\":1000");
    EmbeddedChannel opener = channels.get(0);
    opener.advanceTimeBy(31, TimeUnit.SECONDS);
    opener.runScheduledPendingTasks();
    Answer gone = request(HttpMethod.GET, "/rt/" + sid + "/poll?after=0", Map.of());
    assertThat(gone.status()).isEqualTo(404);
    assertThat(gone.body()).contains("no_session");
    assertThat(request(HttpMethod.POST, "/rt/nosuchsession0123456789/send", Map.of()).status())
        .isEqualTo(404);
  }

  @Test
  void aCommandLineOverTheMessageLimitIs413() {
    server(1000);
    String sid = open("longpoll", Map.of());
    String big = "{\"type\":\"ping\",\"ref\":\"" + "x".repeat(1100) + "\"}";
    assertThat(request(CLIENT, HttpMethod.POST, "/rt/" + sid + "/send", Map.of(), big).status())
        .isEqualTo(413);
  }

  @Test
  void openSessionsOverThePerAddressLimitGet503() {
    server(2);
    open("longpoll", Map.of());
    open("longpoll", Map.of());
    Answer third = request(HttpMethod.POST, "/rt/open?transport=longpoll", Map.of());
    assertThat(third.status()).isEqualTo(503);
    assertThat(third.body()).contains("too many connections from your address");
    assertThat(
            request("192.0.2.99", HttpMethod.POST, "/rt/open?transport=longpoll", Map.of(), "")
                .status())
        .as("another address")
        .isEqualTo(200);
  }

  /**
   * The race that made AdmissionTest flaky: the 204 of {@code close} went out at once while the
   * session's own loop freed its places later, so an open right after the 204 could get 503. Here
   * the session lives on a real event loop of its own, kept busy while the close arrives elsewhere.
   */
  @Test
  void closeFreesTheSessionsPlacesBeforeItsAnswer() throws Exception {
    TransportConfig config = TransportConfig.newBuilder().maxConnections(1).build();
    limiter =
        new ConnectionLimiter(10_000, 10_000, TimeUnit.SECONDS.toNanos(10), metrics, List.of());
    handler =
        new HttpSessionHandler(core.node, config, new HandshakeGuard(metrics, policy, core.tokens));
    DefaultEventLoop sessionLoop = new DefaultEventLoop();
    CountDownLatch busy = new CountDownLatch(1);
    try {
      CompletableFuture<FullHttpResponse> opened = new CompletableFuture<>();
      LocalChannel opener = new LocalChannel();
      opener
          .pipeline()
          .addLast(
              new ChannelOutboundHandlerAdapter() { // what the opener is answered
                @Override
                public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                  opened.complete((FullHttpResponse) msg);
                  promise.setSuccess();
                }
              },
              handler);
      sessionLoop.register(opener).sync();
      sessionLoop.execute(
          () ->
              opener
                  .pipeline()
                  .fireChannelRead(
                      new DefaultFullHttpRequest(
                          HttpVersion.HTTP_1_1, HttpMethod.POST, "/rt/open?transport=longpoll")));
      FullHttpResponse open = opened.get(10, TimeUnit.SECONDS);
      Matcher m = SID.matcher(open.content().toString(StandardCharsets.UTF_8));
      open.release();
      assertThat(m.find()).isTrue();
      assertThat(handler.openCount()).isEqualTo(1);

      sessionLoop.execute(
          () -> {
            try {
              busy.await(); // the session's loop is busy with other work for a moment
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          });
      EmbeddedChannel closing = AddressedChannel.from(CLIENT, limiter, handler);
      channels.add(closing);
      closing.writeInbound(
          new DefaultFullHttpRequest(
              HttpVersion.HTTP_1_1, HttpMethod.POST, "/rt/" + m.group(1) + "/close"));
      assertThat(closing.<Object>readOutbound())
          .as("no 204 while the session still holds its places")
          .isNull();
      assertThat(handler.openCount()).isEqualTo(1);

      busy.countDown();
      sessionLoop
          .submit(() -> {})
          .get(10, TimeUnit.SECONDS); // everything queued on the session's loop is done
      Answer closed = answer(closing);
      assertThat(closed.status()).isEqualTo(204);
      assertThat(handler.openCount()).isZero();
      Answer again = request(HttpMethod.POST, "/rt/open?transport=longpoll", Map.of());
      assertThat(again.status())
          .as("the client has its 204 and opens again at once: %s", again.body())
          .isEqualTo(200);
    } finally {
      busy.countDown();
      sessionLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  @Test
  void aSessionABrowserPageOpenedTakesRequestsCarryingItsOriginOnly() {
    server(1000);
    String sid = open("longpoll", Map.of("Origin", SHOP));
    String send = "/rt/" + sid + "/send";
    assertThat(request(HttpMethod.POST, send, Map.of("Origin", SHOP)).status()).isEqualTo(204);
    assertThat(request(HttpMethod.POST, send, Map.of("Origin", "https://evil.example")).status())
        .isEqualTo(403);
    assertThat(request(HttpMethod.POST, send, Map.of()).status())
        .as("no Origin at all")
        .isEqualTo(403);
    assertThat(
            request(HttpMethod.GET, "/rt/" + sid + "/poll", Map.of("Sec-Fetch-Site", "same-origin"))
                .status())
        .as("same-origin to this server, but the opener was another origin")
        .isEqualTo(403);
    assertThat(metrics.events).contains("rejected:origin");
  }

  @Test
  void anotherSitesPageMayReadTheAnswersToItsOwnSessionsRequestsButNotToAnotherOrigins() {
    server(1000);
    Answer opened =
        request(HttpMethod.POST, "/rt/open?transport=sse&key=" + KEY, Map.of("Origin", SHOP));
    assertThat(opened.headers())
        .as("the widget on the shop's page reads its sid with fetch (CORS)")
        .containsEntry("access-control-allow-origin", SHOP)
        .containsEntry("vary", "origin");
    String sid = opened.sid();
    Map<String, String> shop = Map.of("Origin", SHOP);
    assertThat(request(HttpMethod.POST, "/rt/" + sid + "/send", shop).headers())
        .containsEntry("access-control-allow-origin", SHOP);
    Answer events = request(HttpMethod.GET, "/rt/" + sid + "/events", shop);
    assertThat(events.status()).isEqualTo(200);
    assertThat(events.headers()).containsEntry("access-control-allow-origin", SHOP);
    assertThat(request(HttpMethod.GET, "/rt/nosuchsession/poll", shop).headers())
        .as("a 404 for an unknown session, so the page opens another")
        .containsEntry("access-control-allow-origin", SHOP);

    Answer evil =
        request(HttpMethod.POST, "/rt/" + sid + "/send", Map.of("Origin", "https://evil.example"));
    assertThat(evil.status()).isEqualTo(403);
    assertThat(evil.headers()).doesNotContainKey("access-control-allow-origin");
    assertThat(request(HttpMethod.POST, "/rt/" + sid + "/send", Map.of()).headers())
        .as("no Origin: nothing to allow")
        .doesNotContainKey("access-control-allow-origin");
  }

  @Test
  void aLongPollAnswerIsReadableByTheOpenersPage() {
    server(1000);
    Answer opened =
        request(
            HttpMethod.POST,
            "/rt/open?transport=longpoll&key=" + KEY + "&hello=1",
            Map.of("Origin", SHOP));
    Answer poll =
        request(HttpMethod.GET, "/rt/" + opened.sid() + "/poll?after=0", Map.of("Origin", SHOP));
    assertThat(poll.status()).as("the welcome").isEqualTo(200);
    assertThat(poll.headers()).containsEntry("access-control-allow-origin", SHOP);
  }

  /** Browsers leave Origin out of same-origin GETs: Sec-Fetch-Site says where they come from. */
  @Test
  void aSessionTheServersOwnPageOpenedTakesItsSameOriginGetsWithoutOrigin() {
    server(1000);
    String sid = open("sse", Map.of("Origin", OWN));
    String events = "/rt/" + sid + "/events";
    assertThat(request(HttpMethod.GET, events, Map.of("Sec-Fetch-Site", "same-origin")).status())
        .isEqualTo(200);
    assertThat(request(HttpMethod.GET, events, Map.of("Origin", OWN)).status()).isEqualTo(200);
    assertThat(request(HttpMethod.GET, events, Map.of()).status())
        .as("no Origin, no Sec-Fetch-Site")
        .isEqualTo(403);
    assertThat(request(HttpMethod.GET, events, Map.of("Sec-Fetch-Site", "cross-site")).status())
        .isEqualTo(403);
    assertThat(request(HttpMethod.GET, events, Map.of("Sec-Fetch-Site", "same-site")).status())
        .isEqualTo(403);
  }

  @Test
  void aSessionANonBrowserOpenedTakesNoRequestFromABrowserPage() {
    server(1000);
    String sid = open("longpoll", Map.of());
    String send = "/rt/" + sid + "/send";
    assertThat(request(HttpMethod.POST, send, Map.of()).status()).isEqualTo(204);
    assertThat(request(HttpMethod.POST, send, Map.of("Origin", SHOP)).status()).isEqualTo(403);
    assertThat(
            request(HttpMethod.GET, "/rt/" + sid + "/poll", Map.of("Sec-Fetch-Site", "cross-site"))
                .status())
        .isEqualTo(403);
  }

  @Test
  void originNullIsNeverAllowedToCarryOnASessionEvenTheOneItOpened() {
    server(1000);
    String sid = open("longpoll", Map.of("Origin", "null"));
    assertThat(request(HttpMethod.POST, "/rt/" + sid + "/send", Map.of("Origin", "null")).status())
        .isEqualTo(403);
  }

  @Test
  void theTokenCookieOfAnotherSitesPageDoesNotOpenASession() {
    server(1000);
    String token = core.visitorToken();
    // Where a token is required (the policy here lets tokenless clients in), the cookie would be
    // the only credential.
    Answer foreign =
        request(
            HttpMethod.POST,
            "/rt/open?transport=sse&token=",
            Map.of("Origin", SHOP, "Cookie", "parley_token=" + token));
    assertThat(foreign.status()).isEqualTo(200);
    String sid = foreign.sid();
    request(
        CLIENT,
        HttpMethod.POST,
        "/rt/" + sid + "/send",
        Map.of("Origin", SHOP),
        "{\"type\":\"hello\"}");
    Answer welcome =
        request(HttpMethod.GET, "/rt/" + sid + "/poll?after=0", Map.of("Origin", SHOP));
    assertThat(welcome.body())
        .as("a new anonymous visitor, not the cookie's")
        .contains("\"token\":\"v2.")
        .doesNotContain(core.tokens.principal(token).user());
  }
}
