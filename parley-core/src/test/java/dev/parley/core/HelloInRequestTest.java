package dev.parley.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.protocol.Codec;
import dev.parley.protocol.Command;
import dev.parley.protocol.Push;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A {@code hello} carried by the opening request ({@code /ws?hello=1&site=…}, {@link
 * Session#helloFromRequest}): carried out as the connection's first frame would be, with the same
 * checks and budget, on a {@link ManualClock}.
 */
@Timeout(30)
class HelloInRequestTest {
  final ManualClock clock = new ManualClock();
  final List<RecordingConnection> connections = new ArrayList<>();
  final List<Command.Hello> authenticated = new CopyOnWriteArrayList<>();
  Node node;

  @BeforeEach
  void start() {
    AnonymousTokens anonymous = new AnonymousTokens(new byte[32]);
    node =
        Node.builder()
            .config(NodeConfig.defaults())
            .clock(clock)
            .store(new InMemoryMessageStore())
            .broker(new InMemoryBroker())
            .sharedState(new InMemorySharedState(clock::nanoTime))
            .authenticator(
                new Authenticator() {
                  @Override
                  public CompletableFuture<Principal> authenticate(Command.Hello hello) {
                    authenticated.add(hello);
                    return anonymous.authenticate(hello);
                  }
                })
            .build();
  }

  @AfterEach
  void tearDown() {
    connections.forEach(RecordingConnection::close);
    node.close();
  }

  /** Opens a session for a request with {@code query}, as the transport does after the upgrade. */
  RecordingConnection open(Map<String, String> query, Session[] opened) {
    return open(query, null, opened);
  }

  /** … whose handshake presented a token the transport checked as {@code atHandshake}. */
  RecordingConnection open(Map<String, String> query, Principal atHandshake, Session[] opened) {
    RecordingConnection c =
        new RecordingConnection(new Codec(), query, null, "192.0.2.9", null)
            .presentedAtHandshake(atHandshake);
    connections.add(c);
    c.onLoop(
        () -> {
          opened[0] = node.open(c);
          opened[0].helloFromRequest();
        });
    return c;
  }

  @Test
  void aHelloInTheRequestIsWelcomedBeforeAnyFrameAndASecondHelloIsAlreadyOne() throws Exception {
    Session[] s = new Session[1];
    RecordingConnection c = open(Map.of("hello", "1", "site", "demo", "lang", "de"), s);

    Push.Welcome w = c.next(Push.Welcome.class);
    assertThat(w.ref()).isNull();
    assertThat(w.token()).as("a new anonymous visitor's token").isNotNull();
    assertThat(authenticated).hasSize(1);
    assertThat(authenticated.get(0).options())
        .as("the request's other parameters are the hello's options")
        .containsOnly(Map.entry("site", "demo"), Map.entry("lang", "de"));

    c.command(s[0], "{\"type\":\"hello\",\"ref\":\"again\"}");
    Push.Error e = c.next(Push.Error.class);
    assertThat(e.code()).isEqualTo("already_hello");
    assertThat(e.ref()).isEqualTo("again");
  }

  @Test
  void aRequestWithoutHelloWaitsForTheFrame() throws Exception {
    Session[] s = new Session[1];
    RecordingConnection c = open(Map.of("site", "demo"), s);
    c.drainLoop();
    c.assertNothingMoreBefore(s[0]);
    assertThat(authenticated).isEmpty();

    c.command(s[0], "{\"type\":\"hello\",\"ref\":\"h\"}");
    assertThat(c.next(Push.Welcome.class).ref()).isEqualTo("h");
  }

  @Test
  void aBadHelloInTheRequestIsAnsweredAsAFramesAndTheConnectionMaySendItsOwn() throws Exception {
    Session[] s = new Session[1];
    RecordingConnection c = open(Map.of("hello", "2"), s);

    Push.Error e = c.next(Push.Error.class);
    assertThat(e.code()).isEqualTo("invalid_field");
    assertThat(e.field()).isEqualTo("hello");
    assertThat(authenticated).isEmpty();

    c.command(s[0], "{\"type\":\"hello\",\"ref\":\"h\"}");
    assertThat(c.next(Push.Welcome.class).ref()).isEqualTo("h");
  }

  @Test
  void aHelloInTheRequestSpendsTheAddressesBudgetLikeAFrameAndIsRefusedBeyondIt() throws Exception {
    for (int i = 0; i < node.config().helloBurst(); i++) {
      assertThat(open(Map.of("hello", "1"), new Session[1]).next())
          .isInstanceOf(Push.Welcome.class);
    }
    Session[] s = new Session[1];
    RecordingConnection c = open(Map.of("hello", "1"), s);
    Push.Error refused = c.next(Push.Error.class);
    assertThat(refused.code()).isEqualTo("rate_limited");
    assertThat(refused.retryAfterMs()).isEqualTo(1000L);

    clock.advance(Duration.ofSeconds(1));
    c.command(s[0], "{\"type\":\"hello\",\"ref\":\"later\"}");
    assertThat(c.next(Push.Welcome.class).ref()).isEqualTo("later");
  }

  @Test
  void aHelloInTheRequestWithTheHandshakesTokenIsThatUserUnbudgetedAndTheTokenNotEchoed()
      throws Exception {
    Principal maya = new Principal("maya", Map.of("role", "agent"), "handshake-token");
    for (int i = 0; i <= node.config().helloBurst(); i++) {
      Session[] s = new Session[1];
      RecordingConnection c = open(Map.of("hello", "1"), maya, s);

      Push.Welcome w = c.next(Push.Welcome.class);
      assertThat(w.user()).isEqualTo("maya");
      assertThat(w.claims()).containsEntry("role", "agent");
      assertThat(w.token()).as("a token the handshake brought is never echoed").isNull();
    }
    assertThat(authenticated).as("the handshake's principal is not authenticated again").isEmpty();
    assertThat(open(Map.of("hello", "1"), new Session[1]).next())
        .as("the address's budget is untouched: a new visitor is still welcomed")
        .isInstanceOf(Push.Welcome.class);
  }
}
