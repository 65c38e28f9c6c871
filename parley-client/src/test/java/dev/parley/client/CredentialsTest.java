package dev.parley.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.protocol.Command;
import dev.parley.protocol.Push;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Who the client is, and when it refreshes, on explicit times. */
class CredentialsTest {
  static final long EXPIRY = 1_800_000_000_000L;
  final Deque<String> fresh = new ArrayDeque<>();
  final Supplier<String> provider =
      () -> {
        String t = fresh.poll();
        if (t == null) {
          throw new IllegalStateException("the backend is down");
        }
        return t;
      };

  static Push.Welcome welcome(String token, Long expiresAt) {
    return new Push.Welcome(null, "s1", "u1", token, 30_000, expiresAt, null);
  }

  @Test
  void theHelloPresentsTheTokenThePositionsAndTheSite() {
    Credentials c = new Credentials("t0", "demo", null, null, null);
    Command.Hello h = c.hello(Map.of("conv", 4L));
    assertThat(h.token()).isEqualTo("t0");
    assertThat(h.resume()).isEqualTo(Map.of("conv", 4L));
    assertThat(h.options()).containsEntry("site", "demo");
    assertThat(h.user()).isNull();
    assertThat(c.hello(Map.of()).resume()).as("no positions, no resume").isNull();
  }

  @Test
  void anAgentWithoutATokenLogsInAndThenPresentsTheTokenItWasGiven() {
    Credentials c = new Credentials(null, null, "maya", "secret", null);
    Command.Hello first = c.hello(Map.of());
    assertThat(first.user()).isEqualTo("maya");
    assertThat(first.password()).isEqualTo("secret");
    c.welcomed(welcome("t1", null));
    Command.Hello next = c.hello(Map.of());
    assertThat(next.token()).isEqualTo("t1");
    assertThat(next.user()).isNull();
    assertThat(next.password()).isNull();
    assertThat(c.user()).isEqualTo("u1");
  }

  @Test
  void aWelcomeWithoutATokenLeavesOursInForce() {
    Credentials c = new Credentials("t0", null, null, null, null);
    c.welcomed(welcome(null, null));
    assertThat(c.token()).isEqualTo("t0");
  }

  @Test
  void theProviderIsAskedOnceAMinuteBeforeExpiryAndItsTokenIsSentAsAuth() {
    fresh.add("t2");
    fresh.add("t3");
    Credentials c = new Credentials("t1", null, null, null, provider);
    c.welcomed(welcome(null, EXPIRY));
    assertThat(c.refresh(EXPIRY - Credentials.REFRESH_AHEAD_MILLIS)).isEmpty();
    assertThat(c.refresh(EXPIRY - Credentials.REFRESH_AHEAD_MILLIS + 1))
        .contains(new Command.Auth(null, "t2"));
    assertThat(c.token()).isEqualTo("t2");
    assertThat(c.refresh(EXPIRY)).as("one refresh until authed").isEmpty();
    c.authed(new Push.Authed(null, EXPIRY + 3_600_000));
    assertThat(c.refresh(EXPIRY)).isEmpty();
    assertThat(c.refresh(EXPIRY + 3_600_000 - 1_000)).contains(new Command.Auth(null, "t3"));
  }

  @Test
  void credentialsThatNeverExpireOrNoProviderMeanNoRefresh() {
    fresh.add("t2");
    Credentials forever = new Credentials("t1", null, null, null, provider);
    forever.welcomed(welcome(null, null));
    assertThat(forever.refresh(Long.MAX_VALUE)).isEmpty();
    Credentials noProvider = new Credentials("t1", null, null, null, null);
    noProvider.welcomed(welcome(null, EXPIRY));
    assertThat(noProvider.refresh(EXPIRY)).isEmpty();
    assertThat(fresh).containsExactly("t2");
  }

  @Test
  void aFailingProviderIsNotAskedAgainBeforeTheNextWelcome() {
    Credentials c = new Credentials("t1", null, null, null, provider);
    c.welcomed(welcome(null, EXPIRY));
    assertThat(c.refresh(EXPIRY - 1)).isEmpty();
    fresh.add("t2");
    assertThat(c.refresh(EXPIRY - 1)).isEmpty();
    c.welcomed(welcome(null, EXPIRY));
    assertThat(c.refresh(EXPIRY - 1)).isEqualTo(Optional.of(new Command.Auth(null, "t2")));
  }

  @Test
  void after4401TheNextHelloHasTheProvidersTokenOrLogsInAgain() {
    fresh.add("t2");
    Credentials withProvider = new Credentials("t1", null, null, null, provider);
    withProvider.expired();
    assertThat(withProvider.hello(Map.of()).token()).isEqualTo("t2");
    withProvider.expired(); // the provider fails now: the old token stays
    assertThat(withProvider.token()).isEqualTo("t2");

    Credentials agent = new Credentials("t1", null, "maya", "secret", null);
    agent.expired();
    assertThat(agent.hello(Map.of()).user()).isEqualTo("maya");
    assertThat(agent.hello(Map.of()).token()).isNull();

    Credentials visitor = new Credentials("t1", null, null, null, null);
    visitor.expired();
    assertThat(visitor.token()).isEqualTo("t1");
  }
}
