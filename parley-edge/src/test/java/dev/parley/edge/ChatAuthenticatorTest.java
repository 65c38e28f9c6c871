package dev.parley.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.Agent;
import dev.parley.chat.InMemoryChatStore;
import dev.parley.core.Authenticator.AuthenticationException;
import dev.parley.core.InMemorySharedState;
import dev.parley.core.Principal;
import dev.parley.protocol.Command;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.ProtocolException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Password logins (issue 14.5) and agent sessions' renewal and logout (issue 14.10) through the
 * authenticator the server uses, with real password hashes.
 */
class ChatAuthenticatorTest {
  static final String ADDRESS = "192.0.2.4";
  final MutableClock clock = new MutableClock(1_800_000_000_000L);
  final InMemorySharedState shared = new InMemorySharedState(System::nanoTime);
  final Agent maya = new Agent("maya", "Maya", Set.of("demo"), 2, Passwords.hash("right"));
  final ChatAuthenticator auth =
      new ChatAuthenticator(
          new byte[32],
          Map.of("maya", maya)::get,
          Duration.ofMinutes(15),
          clock,
          null,
          new InMemoryChatStore(),
          shared);

  @AfterEach
  void close() {
    auth.close();
    shared.close();
  }

  static Command.Hello login(String user, String password) {
    return new Command.Hello(null, null, null, null, user, password, Map.of());
  }

  static Throwable failure(CompletableFuture<?> f) {
    try {
      f.join();
      throw new AssertionError("expected a refusal");
    } catch (CompletionException e) {
      return e.getCause();
    }
  }

  @Test
  void afterFiveWrongPasswordsEvenTheRightOneWaitsItsTurn() {
    for (int i = 0; i < 5; i++) {
      assertThat(failure(auth.authenticate(login("maya", "guess" + i), ADDRESS)))
          .isInstanceOf(AuthenticationException.class);
    }
    Throwable waiting = failure(auth.authenticate(login("maya", "right"), ADDRESS));
    assertThat(waiting)
        .isInstanceOfSatisfying(
            ProtocolException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
              assertThat(e.field()).isEqualTo("password");
              assertThat(e.retryAfterMs()).isEqualTo(1000L);
            });
    clock.advance(Duration.ofSeconds(1));
    Principal in = auth.authenticate(login("maya", "right"), ADDRESS).join();
    assertThat(in.user()).isEqualTo("maya");
    assertThat(in.token()).startsWith("a2.");
    assertThat(in.expiresAtMillis()).isEqualTo(clock.millis() + Duration.ofMinutes(15).toMillis());
  }

  @Test
  void anUnknownUserCountsAgainstTheAddressLikeAWrongPassword() {
    for (int i = 0; i < 20; i++) {
      failure(auth.authenticate(login("nobody" + i, "x"), ADDRESS));
    }
    assertThat(failure(auth.authenticate(login("maya", "right"), ADDRESS)))
        .isInstanceOf(ProtocolException.class);
    assertThat(auth.authenticate(login("maya", "right"), "198.51.100.3").join().user())
        .as("from another address")
        .isEqualTo("maya");
  }

  @Test
  void aFloodOfLoginsIsRefusedBeyondTheHashingPoolsQueue() {
    List<CompletableFuture<Principal>> all = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      all.add(
          auth.authenticate(login("user" + i, "x"), "203.0.113." + i)); // no throttle in the way
    }
    List<CompletableFuture<Principal>> refusedAtOnce =
        all.stream().filter(CompletableFuture::isDone).toList();
    int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
    assertThat(refusedAtOnce.size())
        .as("at most the pool's threads and queue wait")
        .isGreaterThanOrEqualTo(
            200 - threads - ChatAuthenticator.MAX_QUEUED_CHECKS - finishedMeanwhile(all));
    for (CompletableFuture<Principal> f : refusedAtOnce) {
      Throwable t = failure(f);
      if (t instanceof ProtocolException p) {
        assertThat(p.code()).isEqualTo(ErrorCode.RATE_LIMITED);
        assertThat(p.retryAfterMs()).isPositive();
      }
    }
    assertThat(refusedAtOnce)
        .anySatisfy(f -> assertThat(failure(f)).isInstanceOf(ProtocolException.class));
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
  }

  /** Checks that ended (as wrong passwords) while the flood was being submitted. */
  static int finishedMeanwhile(List<CompletableFuture<Principal>> all) {
    return (int)
        all.stream().filter(f -> f.isDone() && !(failure(f) instanceof ProtocolException)).count();
  }

  @Test
  void aLoggedInConnectionRenewsItsTokenUntilTheAgentLogsOut() {
    Principal in = auth.authenticate(login("maya", "right"), ADDRESS).join();
    clock.advance(Duration.ofMinutes(10));
    Principal renewed = auth.renew(in).join();
    assertThat(renewed.token()).startsWith("a2.").isNotEqualTo(in.token());
    assertThat(renewed.expiresAtMillis())
        .isEqualTo(clock.millis() + Duration.ofMinutes(15).toMillis());

    assertThat(auth.staffOfBearer("Bearer " + renewed.token()).join()).isPresent();
    clock.advance(Duration.ofMillis(1));
    assertThat(auth.logout("Bearer " + renewed.token()).join()).isTrue();
    assertThat(auth.staffOfBearer("Bearer " + renewed.token()).join()).as("REST at once").isEmpty();
    assertThat(auth.staffOfBearer("Bearer " + in.token()).join()).isEmpty();
    assertThat(failure(auth.renew(renewed))).hasMessageContaining("revoked");
    assertThat(auth.logout("Bearer " + renewed.token()).join()).as("already out").isFalse();
    assertThat(auth.logout("Bearer v2.someone.sig").join()).isFalse();
    assertThat(auth.logout(null).join()).isFalse();
  }
}
