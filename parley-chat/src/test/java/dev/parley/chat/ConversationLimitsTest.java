package dev.parley.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.protocol.Push;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * New conversations are budgeted per client address and per site (issue 14.14): over it a visitor's
 * first message gets {@code rate_limited} with its {@code cid} and a retry hint, and is not stored;
 * the budget comes back with time (the manual clock).
 */
@Timeout(30)
class ConversationLimitsTest {
  ChatHarness h;

  @AfterEach
  void close() {
    h.close();
  }

  /** A new visitor from {@code address} sends its first message; returns the first answer to it. */
  Push firstMessage(String address, String cid) throws Exception {
    ChatHarness.Client v = h.connect(Map.of(), null, address);
    v.send("{\"type\":\"hello\",\"site\":\"demo\"}");
    v.next(Push.Welcome.class);
    String conv = VisitorFlowTest.greeted(v);
    v.send("{\"type\":\"send\",\"cid\":\"" + cid + "\",\"conv\":\"" + conv + "\",\"text\":\"hi\"}");
    while (true) {
      Push p = v.next();
      if ((p instanceof Push.Ack a && a.cid().equals(cid))
          || (p instanceof Push.Error e && cid.equals(e.cid()))) {
        return p;
      }
    }
  }

  @Test
  void oneAddressOpensTenAtOnceThenOneEveryTenSeconds() throws Exception {
    h = ChatHarness.standard();
    for (int i = 0; i < 10; i++) {
      assertThat(firstMessage("198.51.100.1", "c" + i)).isInstanceOf(Push.Ack.class);
    }
    Push refused = firstMessage("198.51.100.1", "c10");
    assertThat(refused)
        .isInstanceOfSatisfying(
            Push.Error.class,
            e -> {
              assertThat(e.code()).isEqualTo("rate_limited");
              assertThat(e.retryAfterMs()).isBetween(1L, 10_000L);
            });
    assertThat(h.chatStore.list("demo", ConversationStatus.BOT).join()).hasSize(10);
    assertThat(firstMessage("198.51.100.2", "other"))
        .as("another address has its own budget")
        .isInstanceOf(Push.Ack.class);
    h.advance(Duration.ofSeconds(10));
    assertThat(firstMessage("198.51.100.1", "c11")).isInstanceOf(Push.Ack.class);
    assertThat(firstMessage("198.51.100.1", "c12")).isInstanceOf(Push.Error.class);
  }

  @Test
  void aSiteGetsItsRateFromAllAddressesTogether() throws Exception {
    h =
        new ChatHarness(
            new ChatConfig(
                false,
                Duration.ofSeconds(20),
                Duration.ofMinutes(3),
                false,
                false,
                Duration.ofSeconds(30),
                10,
                Duration.ofSeconds(10),
                0.5),
            ChatHarness.agent("maya", 2));
    // Half a conversation per second: a burst of ten seconds' worth is five.
    for (int i = 0; i < 5; i++) {
      assertThat(firstMessage("203.0.113." + i, "c")).isInstanceOf(Push.Ack.class);
    }
    Push refused = firstMessage("203.0.113.99", "c");
    assertThat(refused)
        .isInstanceOfSatisfying(
            Push.Error.class,
            e -> {
              assertThat(e.code()).isEqualTo("rate_limited");
              assertThat(e.message()).contains("site");
              assertThat(e.retryAfterMs()).isEqualTo(2000L);
            });
    h.advance(Duration.ofSeconds(2));
    assertThat(firstMessage("203.0.113.100", "c")).isInstanceOf(Push.Ack.class);
  }
}
