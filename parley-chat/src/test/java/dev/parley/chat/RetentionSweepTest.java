package dev.parley.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.core.AppendRequest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The retention period on the manual clock: resolved conversations older than a site's period go,
 * open ones and those of sites without a period stay, and one run deletes at most its batch.
 */
@Timeout(30)
class RetentionSweepTest {
  static final Duration KEEP = Duration.ofDays(30);

  ChatHarness h =
      new ChatHarness(
          ChatConfig.defaults(),
          List.of(
              new Site("demo", "Demo", List.of("*"), "Hi", "Bot", 0.5, BusinessHours.always())
                  .withRetention(KEEP),
              new Site(
                  "forever", "Forever", List.of("*"), "Hi", "Bot", 0.5, BusinessHours.always())));

  @AfterEach
  void close() {
    h.close();
  }

  /** A conversation of {@code site} with one message, resolved now when {@code resolve}. */
  String conversation(String site, String id, boolean resolve) {
    return conversation(site, id, resolve, h.clock.millis());
  }

  /** A conversation of {@code site} with one message at {@code now}, resolved then if asked. */
  String conversation(String site, String id, boolean resolve, long now) {
    h.chatStore.open(site, "v_" + id, id, now).join();
    h.store.append(new AppendRequest(id, "v_" + id, "c1", "text", "hello", now)).join();
    if (resolve) {
      h.chatStore
          .transition(id, ConversationStatus.BOT, ConversationStatus.RESOLVED, null, now)
          .join();
    }
    return id;
  }

  boolean exists(String id) {
    // deleted: only a tombstone, owned by nobody, is left
    return h.chatStore.find(id).join().filter(c -> !c.deleted()).isPresent();
  }

  /** Moves the clock by {@code d} and waits for the run that fell due (its future, no thread). */
  void pass(Duration d) {
    h.advance(d);
    h.chat.retention().lastRun().join();
  }

  @Test
  void resolvedConversationsOlderThanTheSitesPeriodAreDeletedOnTheHourlyRun() {
    String old = conversation("demo", "chat_old", true);
    String open = conversation("demo", "chat_open", false);
    String elsewhere = conversation("forever", "chat_forever", true);
    pass(Duration.ofDays(20));
    String young = conversation("demo", "chat_young", true);

    pass(Duration.ofDays(10).minus(RetentionSweep.EVERY));
    assertThat(exists(old)).as("not past the period yet").isTrue();

    pass(RetentionSweep.EVERY.multipliedBy(2));
    assertThat(exists(old)).isFalse();
    assertThat(h.store.readAfter(old, 0, 10)).isEmpty();
    assertThat(exists(open)).as("open conversations are never deleted").isTrue();
    assertThat(exists(young)).isTrue();
    assertThat(exists(elsewhere)).as("a site without a period keeps everything").isTrue();
    assertThat(h.store.readAfter(elsewhere, 0, 10)).hasSize(1);

    pass(Duration.ofDays(20));
    assertThat(exists(young)).isFalse();
  }

  @Test
  void aRunThatUsedItsWholeBatchSchedulesTheNextSoonWithoutTheRoutingThread() {
    long longAgo = h.clock.millis() - KEEP.plusDays(1).toMillis();
    for (int i = 0; i < 3; i++) {
      conversation("demo", "chat_" + i, true, longAgo + i);
    }
    RetentionSweep sweep =
        new RetentionSweep(h.node, h.chat.directory(), h.chatStore, h.chat.dataProtection(), 2);

    assertThat(sweep.sweep().join()).isEqualTo(2);
    assertThat(exists("chat_2")).isTrue();
    h.advance(RetentionSweep.SOON);
    assertThat(sweep.lastRun().join()).as("the next run came after SOON").isEqualTo(1);
    assertThat(exists("chat_2")).isFalse();
    sweep.close();
  }

  @Test
  void oneRunDeletesAtMostItsBatch() {
    long longAgo = h.clock.millis() - KEEP.plusDays(1).toMillis();
    for (int i = 0; i < 3; i++) {
      conversation("demo", "chat_" + i, true, longAgo + i);
    }
    RetentionSweep sweep =
        new RetentionSweep(h.node, h.chat.directory(), h.chatStore, h.chat.dataProtection(), 2);

    assertThat(sweep.runOnce().join()).isEqualTo(2);
    assertThat(exists("chat_0")).isFalse();
    assertThat(exists("chat_1")).isFalse();
    assertThat(exists("chat_2")).as("left for the next run").isTrue();
    assertThat(sweep.runOnce().join()).isEqualTo(1);
    assertThat(exists("chat_2")).isFalse();
    assertThat(sweep.runOnce().join()).isZero();
  }
}
