package dev.parley.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.ChatStore;
import dev.parley.chat.ConversationStatus;
import dev.parley.chat.Rating;
import dev.parley.chat.ReportSource;
import dev.parley.chat.ReportSource.ConversationTimes;
import dev.parley.core.AppendRequest;
import dev.parley.core.MessageStore;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a {@link ReportSource} reads, run on SQLite and PostgreSQL: milestones the chat store's
 * moves record, an agent's first message, ratings, by site and range.
 */
@Timeout(60)
abstract class ReportSourceContract {
  MessageStore messages;
  ChatStore chat;
  ReportSource reports;

  /** Opens the three on one fresh database. */
  abstract void open() throws Exception;

  abstract void closeDatabase() throws Exception;

  @BeforeEach
  void setUp() throws Exception {
    open();
  }

  @AfterEach
  void tearDown() throws Exception {
    reports.close();
    chat.close();
    closeDatabase();
  }

  static <T> T get(CompletableFuture<T> f) throws Exception {
    return f.get(10, TimeUnit.SECONDS);
  }

  void say(String conv, String sender, String kind, long at) throws Exception {
    get(messages.append(new AppendRequest(conv, sender, null, kind, "words", at)));
  }

  @Test
  void handoffAnswerAndResolutionAreTheirFirstTimes() throws Exception {
    get(chat.open("demo", "v1", "chat_1", 1_000));
    say("chat_1", "v1", "text", 1_100);
    say("chat_1", "bot", "bot", 1_200);
    get(chat.transition("chat_1", ConversationStatus.BOT, ConversationStatus.QUEUED, null, 2_000));
    say("chat_1", "system", "system", 2_001);
    say("chat_1", "v1", "text", 2_500);
    get(
        chat.transition(
            "chat_1", ConversationStatus.QUEUED, ConversationStatus.ASSIGNED, "ana", 3_000));
    say("chat_1", "ana", "text", 4_000);
    say("chat_1", "ana", "text", 4_500);
    get(
        chat.transition(
            "chat_1", ConversationStatus.ASSIGNED, ConversationStatus.RESOLVED, "ana", 9_000));

    assertThat(get(reports.conversations("demo", 0, 10_000, 10)))
        .containsExactly(new ConversationTimes("chat_1", 1_000, 2_000, 4_000, 9_000));
  }

  @Test
  void aConversationTheBotResolvedHasNoHandoffAndReopeningClearsTheResolution() throws Exception {
    get(chat.open("demo", "v2", "chat_2", 1_000));
    get(
        chat.transition(
            "chat_2", ConversationStatus.BOT, ConversationStatus.RESOLVED, null, 5_000));
    assertThat(get(reports.conversations("demo", 0, 10_000, 10)))
        .containsExactly(new ConversationTimes("chat_2", 1_000, 0, 0, 5_000));
    get(
        chat.transition(
            "chat_2", ConversationStatus.RESOLVED, ConversationStatus.BOT, null, 6_000));
    assertThat(get(reports.conversations("demo", 0, 10_000, 10)).get(0).resolvedAtMillis())
        .isEqualTo(ConversationTimes.NEVER);
  }

  @Test
  void readsOneSiteInTheRangeOldestFirstUpToTheLimit() throws Exception {
    get(chat.open("demo", "a", "chat_a", 3_000));
    get(chat.open("demo", "b", "chat_b", 1_000));
    get(chat.open("demo", "c", "chat_c", 2_000));
    get(chat.open("demo", "d", "chat_d", 9_000));
    get(chat.open("other", "e", "chat_e", 2_000));
    List<String> ids =
        get(reports.conversations("demo", 1_000, 9_000, 10)).stream()
            .map(ConversationTimes::id)
            .toList();
    assertThat(ids).containsExactly("chat_b", "chat_c", "chat_a");
    assertThat(get(reports.conversations("demo", 0, 10_000, 2))).hasSize(2);
  }

  @Test
  void ratingsOfTheSiteInTheRange() throws Exception {
    get(chat.rate(new Rating("chat_1", "demo", true, "thanks", 1_000)));
    get(chat.rate(new Rating("chat_2", "demo", false, null, 2_000)));
    get(chat.rate(new Rating("chat_3", "demo", true, null, 3_000)));
    get(chat.rate(new Rating("chat_4", "other", true, null, 1_500)));
    assertThat(get(reports.ratings("demo", 1_000, 3_000, 10)))
        .containsExactly(new ReportSource.Rated(1_000, true), new ReportSource.Rated(2_000, false));
  }
}
