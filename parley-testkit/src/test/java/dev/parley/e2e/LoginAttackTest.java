package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.parley.edge.ChatAuthenticator;
import dev.parley.protocol.Codec;
import dev.parley.protocol.Push;
import dev.parley.protocol.chat.ChatProtocol;
import dev.parley.testkit.RawWebSocket;
import dev.parley.testkit.TestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Password guessing over WebSocket (issue 14.5): one connection gets five tries and is closed with
 * 4429; the account then waits before even the right password is checked, with a retry hint; every
 * failure is logged with user and address and never the password.
 */
@Timeout(60)
class LoginAttackTest {
  @TempDir Path dir;
  TestServer server;
  final Codec codec = ChatProtocol.codec();
  final ListAppender<ILoggingEvent> log = new ListAppender<>();
  final Logger authLog = (Logger) LoggerFactory.getLogger(ChatAuthenticator.class);

  @BeforeEach
  void start() throws Exception {
    server =
        SitesServer.start(
            dir,
            """
        {"sites": [{"id": "shop", "greeting": "Hi"}],
         "agents": [{"user": "alice", "sites": ["shop"], "password": "the-right-one"}]}
        """);
    log.start();
    authLog.addAppender(log);
  }

  @AfterEach
  void stop() {
    authLog.detachAppender(log);
    server.close();
  }

  Push login(RawWebSocket ws, String password) throws Exception {
    ws.sendText("{\"type\":\"hello\",\"user\":\"alice\",\"password\":\"" + password + "\"}");
    return codec.decodePush(ws.readText());
  }

  @Test
  void fiveGuessesCloseTheConnectionAndTheAccountWaitsBeforeTheNextTry() throws Exception {
    try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
      for (int i = 1; i <= 5; i++) {
        Push p = login(ws, "guess-" + i);
        assertThat(p)
            .isInstanceOfSatisfying(
                Push.Error.class,
                e -> {
                  assertThat(e.code()).isEqualTo("unauthorized");
                  assertThat(e.field()).isEqualTo("password");
                });
      }
      assertThat(ws.awaitClose()).isEqualTo(4429);
    }
    try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
      Push p = login(ws, "the-right-one");
      assertThat(p)
          .as("the right password waits its turn too")
          .isInstanceOfSatisfying(
              Push.Error.class,
              e -> {
                assertThat(e.code()).isEqualTo("rate_limited");
                assertThat(e.field()).isEqualTo("password");
                assertThat(e.retryAfterMs()).isBetween(1L, 1000L);
              });
    }
    assertThat(log.list)
        .filteredOn(e -> e.getFormattedMessage().startsWith("login of alice from 127.0.0.1 failed"))
        .hasSize(5);
    assertThat(log.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .noneMatch(m -> m.contains("guess-") || m.contains("the-right-one"));
  }
}
