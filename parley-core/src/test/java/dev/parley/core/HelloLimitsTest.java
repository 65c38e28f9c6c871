package dev.parley.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.protocol.CloseCode;
import dev.parley.protocol.Codec;
import dev.parley.protocol.Command;
import dev.parley.protocol.Push;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code hello} is budgeted per client address, and a connection that keeps failing it is closed
 * (issues 14.5 and 14.14), on a {@link ManualClock}.
 */
@Timeout(30)
class HelloLimitsTest {
  final ManualClock clock = new ManualClock();
  final List<RecordingConnection> connections = new ArrayList<>();
  Node node;

  /** Accepts the password "right" for anyone and anonymous visitors. */
  final Authenticator passwords =
      new Authenticator() {
        final AnonymousTokens anonymous = new AnonymousTokens(new byte[32]);

        @Override
        public CompletableFuture<Principal> authenticate(Command.Hello hello) {
          if (hello.user() == null) {
            return anonymous.authenticate(hello);
          }
          return "right".equals(hello.password())
              ? CompletableFuture.completedFuture(new Principal(hello.user(), Map.of(), null))
              : CompletableFuture.failedFuture(
                  new AuthenticationException("wrong user or password"));
        }
      };

  void start(NodeConfig config) {
    node =
        Node.builder()
            .config(config)
            .clock(clock)
            .store(new InMemoryMessageStore())
            .broker(new InMemoryBroker())
            .sharedState(new InMemorySharedState(clock::nanoTime))
            .authenticator(passwords)
            .build();
  }

  @AfterEach
  void tearDown() {
    connections.forEach(RecordingConnection::close);
    node.close();
  }

  RecordingConnection connect(String address) {
    RecordingConnection c = new RecordingConnection(new Codec(), Map.of(), null, address, null);
    connections.add(c);
    return c;
  }

  Push hello(String address) throws InterruptedException {
    RecordingConnection c = connect(address);
    Session s = node.open(c);
    c.command(s, "{\"type\":\"hello\",\"ref\":\"h\"}");
    return c.next();
  }

  @Test
  void anAddressMakesItsBurstOfHellosThenOnePerSecond() throws Exception {
    NodeConfig d = NodeConfig.defaults();
    assertThat(d.helloBurst()).isEqualTo(30);
    assertThat(d.helloRate()).isEqualTo(1.0);
    start(d);
    for (int i = 0; i < 30; i++) {
      assertThat(hello("192.0.2.1")).isInstanceOf(Push.Welcome.class);
    }
    Push refused = hello("192.0.2.1");
    assertThat(refused)
        .isInstanceOfSatisfying(
            Push.Error.class,
            e -> {
              assertThat(e.code()).isEqualTo("rate_limited");
              assertThat(e.ref()).isEqualTo("h");
              assertThat(e.retryAfterMs()).isEqualTo(1000L);
            });
    assertThat(hello("192.0.2.2")).as("another address").isInstanceOf(Push.Welcome.class);
    clock.advance(Duration.ofSeconds(1));
    assertThat(hello("192.0.2.1")).isInstanceOf(Push.Welcome.class);
    assertThat(hello("192.0.2.1")).isInstanceOf(Push.Error.class);
  }

  @Test
  void aHelloWithATokenIsNotCountedSoAReconnectStormGoesThrough() throws Exception {
    start(NodeConfig.defaults());
    String token = ((Push.Welcome) hello("192.0.2.5")).token();
    for (int i = 0; i < 29; i++) {
      hello("192.0.2.5");
    }
    assertThat(hello("192.0.2.5")).as("the burst is used up").isInstanceOf(Push.Error.class);
    for (int i = 0; i < 50; i++) {
      RecordingConnection c = connect("192.0.2.5");
      Session s = node.open(c);
      c.command(s, "{\"type\":\"hello\",\"token\":\"" + token + "\"}");
      assertThat(c.next()).isInstanceOf(Push.Welcome.class);
    }
  }

  @Test
  void theFifthFailedHelloOnAConnectionIsAnsweredThenTheConnectionIsClosedWith4429()
      throws Exception {
    start(NodeConfig.defaults());
    RecordingConnection c = connect("192.0.2.3");
    Session s = node.open(c);
    for (int i = 1; i <= 5; i++) {
      c.command(
          s,
          "{\"type\":\"hello\",\"ref\":\"h"
              + i
              + "\",\"user\":\"maya\",\"password\":\"guess"
              + i
              + "\"}");
      Push.Error e = c.next(Push.Error.class);
      assertThat(e.code()).isEqualTo("unauthorized");
      assertThat(e.field()).isEqualTo("password");
      assertThat(e.ref()).isEqualTo("h" + i);
      c.drainLoop();
      assertThat(c.closedWith()).isEqualTo(i < 5 ? null : CloseCode.TOO_MANY_REQUESTS);
    }
  }

  @Test
  void aRightPasswordAfterAFewWrongOnesIsWelcomed() throws Exception {
    start(NodeConfig.defaults());
    RecordingConnection c = connect("192.0.2.4");
    Session s = node.open(c);
    for (int i = 1; i <= 4; i++) {
      c.command(s, "{\"type\":\"hello\",\"user\":\"maya\",\"password\":\"guess\"}");
      c.next(Push.Error.class);
    }
    c.command(s, "{\"type\":\"hello\",\"user\":\"maya\",\"password\":\"right\"}");
    assertThat(c.next(Push.Welcome.class).user()).isEqualTo("maya");
    assertThat(c.closedWith()).isNull();
  }
}
