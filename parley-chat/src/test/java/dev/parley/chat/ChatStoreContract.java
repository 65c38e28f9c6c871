package dev.parley.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The guarantees of {@link ChatStore}, run against every implementation. */
@Timeout(60)
public abstract class ChatStoreContract {
  protected ChatStore store;

  protected abstract ChatStore openStore() throws Exception;

  @BeforeEach
  void open() throws Exception {
    store = openStore();
  }

  @AfterEach
  void close() {
    store.close();
  }

  static <T> T get(CompletableFuture<T> f) throws Exception {
    return f.get(10, TimeUnit.SECONDS);
  }

  @Test
  void aVisitorHasOneOpenConversationPerSite() throws Exception {
    ChatStore.Opened first = get(store.open("demo", "v1", "chat_a", 1));
    assertThat(first.created()).isTrue();
    assertThat(first.conversation().status()).isEqualTo(ConversationStatus.BOT);
    ChatStore.Opened again = get(store.open("demo", "v1", "chat_b", 2));
    assertThat(again.created()).isFalse();
    assertThat(again.conversation().id()).isEqualTo("chat_a");
    assertThat(get(store.open("other", "v1", "chat_c", 3)).created()).isTrue();
    assertThat(get(store.open("demo", "v2", "chat_d", 4)).created()).isTrue();
  }

  @Test
  void latestIsTheVisitorsMostRecentConversationOnTheSiteOpenOrNot() throws Exception {
    assertThat(get(store.latest("demo", "v9"))).isEmpty();
    get(store.open("demo", "v9", "chat_first", 1));
    get(
        store.transition(
            "chat_first", ConversationStatus.BOT, ConversationStatus.RESOLVED, null, 2));
    assertThat(get(store.latest("demo", "v9")).orElseThrow().id()).isEqualTo("chat_first");
    get(store.open("demo", "v9", "chat_second", 3));
    get(store.open("other", "v9", "chat_elsewhere", 4));
    assertThat(get(store.latest("demo", "v9")).orElseThrow().id()).isEqualTo("chat_second");
  }

  @Test
  void revokingAnAgentsTokensMovesItsNotBeforeForwardOnly() throws Exception {
    assertThat(get(store.agentTokensNotBefore("maya"))).isZero();
    get(store.revokeAgentTokens("maya", 1000));
    assertThat(get(store.agentTokensNotBefore("maya"))).isEqualTo(1000);
    get(store.revokeAgentTokens("maya", 500));
    assertThat(get(store.agentTokensNotBefore("maya"))).as("never back").isEqualTo(1000);
    get(store.revokeAgentTokens("maya", 2000));
    assertThat(get(store.agentTokensNotBefore("maya"))).isEqualTo(2000);
    assertThat(get(store.agentTokensNotBefore("sam"))).isZero();
  }

  @Test
  void aRatingIsKeptPerConversationRatingAgainReplacesItAndCountsArePerSiteFromATime()
      throws Exception {
    assertThat(get(store.ratingOf("chat_r1"))).isEmpty();
    get(store.rate(new Rating("chat_r1", "demo", false, "slow", 1000)));
    get(store.rate(new Rating("chat_r1", "demo", true, "ok after all", 1100)));
    assertThat(get(store.ratingOf("chat_r1")))
        .contains(new Rating("chat_r1", "demo", true, "ok after all", 1100));
    get(store.rate(new Rating("chat_r2", "demo", false, null, 2000)));
    get(store.rate(new Rating("chat_r3", "demo", true, null, 500)));
    get(store.rate(new Rating("chat_r4", "other", true, null, 3000)));
    assertThat(get(store.ratingOf("chat_r2")).orElseThrow().comment()).isNull();
    assertThat(get(store.ratingCounts("demo", 1000))).isEqualTo(new Rating.Counts(1, 1));
    assertThat(get(store.ratingCounts("demo", 0))).isEqualTo(new Rating.Counts(2, 1));
    assertThat(get(store.ratingCounts("nowhere", 0))).isEqualTo(new Rating.Counts(0, 0));
  }

  @Test
  void findReturnsOwnerAndStatus() throws Exception {
    get(store.open("demo", "v1", "chat_f", 1));
    ChatConversation c = get(store.find("chat_f")).orElseThrow();
    assertThat(c.visitor()).isEqualTo("v1");
    assertThat(c.site()).isEqualTo("demo");
    assertThat(get(store.find("chat_none"))).isEmpty();
  }

  @Test
  void transitionsAreCompareAndSet() throws Exception {
    get(store.open("demo", "v1", "chat_t", 1));
    assertThat(
            get(
                store.transition(
                    "chat_t", ConversationStatus.BOT, ConversationStatus.QUEUED, null, 2)))
        .isPresent();
    assertThat(
            get(
                store.transition(
                    "chat_t", ConversationStatus.BOT, ConversationStatus.QUEUED, null, 3)))
        .isEmpty();
    ChatConversation moved =
        get(store.transition(
                "chat_t", ConversationStatus.QUEUED, ConversationStatus.ASSIGNED, "maya", 4))
            .orElseThrow();
    assertThat(moved.agent()).isEqualTo("maya");
    assertThat(moved.updatedAtMillis()).isEqualTo(4);
    ChatConversation c = get(store.find("chat_t")).orElseThrow();
    assertThat(c).isEqualTo(moved);
    assertThat(c.status()).isEqualTo(ConversationStatus.ASSIGNED);
    assertThat(c.version()).as("opened at 1, moved twice").isEqualTo(3);
  }

  @Test
  void listGivesTheLongestWaitingFirstAndReassignChecksTheCurrentAgent() throws Exception {
    get(store.open("demo", "v1", "chat_l1", 1));
    get(store.open("demo", "v2", "chat_l2", 2));
    get(store.open("other", "v3", "chat_l3", 3));
    get(store.transition("chat_l2", ConversationStatus.BOT, ConversationStatus.QUEUED, null, 10));
    get(store.transition("chat_l1", ConversationStatus.BOT, ConversationStatus.QUEUED, null, 20));
    get(store.transition("chat_l3", ConversationStatus.BOT, ConversationStatus.QUEUED, null, 5));
    assertThat(get(store.list("demo", ConversationStatus.QUEUED)))
        .extracting(ChatConversation::id)
        .containsExactly("chat_l2", "chat_l1");
    get(
        store.transition(
            "chat_l1", ConversationStatus.QUEUED, ConversationStatus.ASSIGNED, "maya", 30));
    assertThat(get(store.reassign("chat_l1", "sam", "maya", 31))).isEmpty();
    assertThat(get(store.reassign("chat_l1", "maya", "sam", 32)))
        .hasValueSatisfying(c -> assertThat(c.agent()).isEqualTo("sam"));
    assertThat(get(store.find("chat_l1")).orElseThrow().agent()).isEqualTo("sam");
    assertThat(get(store.list("demo", ConversationStatus.ASSIGNED)))
        .extracting(ChatConversation::agent)
        .containsExactly("sam");
  }

  @Test
  void aResolvedConversationLetsTheVisitorOpenANewOne() throws Exception {
    get(store.open("demo", "v1", "chat_r1", 1));
    assertThat(
            get(
                store.transition(
                    "chat_r1", ConversationStatus.BOT, ConversationStatus.RESOLVED, null, 2)))
        .isPresent();
    ChatStore.Opened next = get(store.open("demo", "v1", "chat_r2", 3));
    assertThat(next.created()).isTrue();
    assertThat(next.conversation().id()).isEqualTo("chat_r2");
    assertThat(
            get(
                store.transition(
                    "chat_r1", ConversationStatus.RESOLVED, ConversationStatus.BOT, null, 4)))
        .as("the visitor already has an open conversation there")
        .isEmpty();
  }

  @Test
  void concurrentOpensForOneVisitorAgreeOnOneConversation() throws Exception {
    List<CompletableFuture<ChatStore.Opened>> fs = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      fs.add(store.open("demo", "racer", "chat_race" + i, i));
    }
    HashSet<String> ids = new HashSet<>();
    for (CompletableFuture<ChatStore.Opened> f : fs) {
      ids.add(get(f).conversation().id());
    }
    assertThat(ids).hasSize(1);
  }

  @Test
  void ofVisitorListsTheVisitorsConversationsOnTheSiteOldestFirst() throws Exception {
    get(store.open("demo", "v1", "chat_1", 1));
    get(store.transition("chat_1", ConversationStatus.BOT, ConversationStatus.RESOLVED, null, 2));
    get(store.open("demo", "v1", "chat_2", 3));
    get(store.open("other", "v1", "chat_3", 4));
    get(store.open("demo", "v2", "chat_4", 5));
    assertThat(get(store.ofVisitor("demo", "v1")))
        .extracting(ChatConversation::id)
        .containsExactly("chat_1", "chat_2");
    assertThat(get(store.ofVisitor("demo", "nobody"))).isEmpty();
  }

  @Test
  void forgettingTheVisitorKeepsTheConversationButNotWhoNorTheRatingsComment() throws Exception {
    get(store.open("demo", "v1", "chat_1", 1));
    get(store.transition("chat_1", ConversationStatus.BOT, ConversationStatus.RESOLVED, null, 2));
    get(store.rate(new Rating("chat_1", "demo", true, "I am Jane from Berlin", 3)));
    get(store.open("demo", "v1", "chat_2", 4));

    assertThat(get(store.forgetVisitor("chat_1"))).isTrue();
    assertThat(get(store.forgetVisitor("chat_2"))).isTrue();

    ChatConversation c = get(store.find("chat_1")).orElseThrow();
    assertThat(c.visitor()).isEqualTo(ChatStore.erasedVisitor("chat_1"));
    assertThat(c.version()).isEqualTo(3);
    assertThat(get(store.ofVisitor("demo", "v1"))).isEmpty();
    assertThat(get(store.latest("demo", "v1"))).isEmpty();
    Rating r = get(store.ratingOf("chat_1")).orElseThrow();
    assertThat(r.comment()).isNull();
    assertThat(r.good()).isTrue();
    assertThat(get(store.open("demo", "v1", "chat_5", 5)).created()).isTrue();
    assertThat(get(store.forgetVisitor("chat_none"))).isFalse();
  }

  @Test
  void deletingAConversationLeavesATombstoneThatKeepsItsIdTakenAndDropsItsRating()
      throws Exception {
    get(store.open("demo", "v1", "chat_1", 1));
    get(store.transition("chat_1", ConversationStatus.BOT, ConversationStatus.RESOLVED, null, 2));
    get(store.rate(new Rating("chat_1", "demo", false, "bad", 3)));
    get(store.open("demo", "v2", "chat_2", 4));

    assertThat(get(store.delete("chat_2"))).as("an open one is not deleted").isFalse();
    assertThat(get(store.delete("chat_1"))).isTrue();

    ChatConversation tomb = get(store.find("chat_1")).orElseThrow();
    assertThat(tomb.visitor()).isEqualTo(ChatStore.deletedVisitor("chat_1"));
    assertThat(tomb.agent()).isNull();
    assertThat(get(store.ofVisitor("demo", "v1"))).isEmpty();
    assertThat(get(store.resolvedBefore("demo", Long.MAX_VALUE, 10))).isEmpty();
    assertThat(get(store.ratingOf("chat_1"))).isEmpty();
    assertThat(get(store.ratingCounts("demo", 0))).isEqualTo(new Rating.Counts(0, 0));
    assertThat(get(store.find("chat_2"))).isPresent();
    assertThat(get(store.delete("chat_1"))).isFalse();
  }

  @Test
  void resolvedBeforeGivesTheOldestResolvedOnesOfTheSiteUpToTheLimit() throws Exception {
    for (int i = 1; i <= 4; i++) {
      get(store.open("demo", "v" + i, "chat_" + i, i));
      get(
          store.transition(
              "chat_" + i, ConversationStatus.BOT, ConversationStatus.RESOLVED, null, 10L * i));
    }
    get(store.open("demo", "v9", "chat_open", 1));
    get(store.open("other", "v1", "chat_elsewhere", 1));
    get(
        store.transition(
            "chat_elsewhere", ConversationStatus.BOT, ConversationStatus.RESOLVED, null, 1));

    assertThat(get(store.resolvedBefore("demo", 40, 10)))
        .extracting(ChatConversation::id)
        .containsExactly("chat_1", "chat_2", "chat_3");
    assertThat(get(store.resolvedBefore("demo", 40, 2)))
        .extracting(ChatConversation::id)
        .containsExactly("chat_1", "chat_2");
    assertThat(get(store.resolvedBefore("demo", 10, 10))).isEmpty();
  }

  @Test
  void labelsAreKeptWithTheConversationRaiseItsVersionAndLeaveItsPlaceInTheQueue()
      throws Exception {
    ChatConversation opened = get(store.open("demo", "v7", "chat_lab", 5)).conversation();
    assertThat(opened.labels()).isEmpty();
    ChatConversation labelled =
        get(store.label("chat_lab", List.of("billing", "vip"))).orElseThrow();
    assertThat(labelled.labels()).containsExactly("billing", "vip");
    assertThat(labelled.version()).isEqualTo(opened.version() + 1);
    assertThat(labelled.updatedAtMillis()).isEqualTo(opened.updatedAtMillis());
    assertThat(get(store.find("chat_lab")).orElseThrow().labels())
        .containsExactly("billing", "vip");
    ChatConversation moved =
        get(store.transition(
                "chat_lab", ConversationStatus.BOT, ConversationStatus.QUEUED, null, 6))
            .orElseThrow();
    assertThat(moved.labels()).as("a move keeps the labels").containsExactly("billing", "vip");
    assertThat(get(store.list("demo", ConversationStatus.QUEUED)).get(0).labels())
        .containsExactly("billing", "vip");
    assertThat(get(store.label("chat_lab", List.of())).orElseThrow().labels()).isEmpty();
    assertThat(get(store.label("chat_none", List.of("vip")))).isEmpty();
  }

  @Test
  void cannedResponsesArePerSiteReplacedByShortcutAndLimited() throws Exception {
    assertThat(get(store.cannedResponses("demo"))).isEmpty();
    assertThat(get(store.saveCanned(new CannedResponse("demo", "hi", "Hello!", "maya", 1), 2)))
        .isEqualTo(CannedResponse.Saved.CREATED);
    assertThat(get(store.saveCanned(new CannedResponse("demo", "bye", "Bye!", "maya", 2), 2)))
        .isEqualTo(CannedResponse.Saved.CREATED);
    assertThat(get(store.saveCanned(new CannedResponse("demo", "hi", "Hello there!", "sam", 3), 2)))
        .as("replacing one is not one more")
        .isEqualTo(CannedResponse.Saved.UPDATED);
    assertThat(get(store.saveCanned(new CannedResponse("demo", "thx", "Thanks", "sam", 4), 2)))
        .isEqualTo(CannedResponse.Saved.FULL);
    assertThat(get(store.saveCanned(new CannedResponse("other", "thx", "Thanks", "sam", 4), 2)))
        .as("the limit is per site")
        .isEqualTo(CannedResponse.Saved.CREATED);
    assertThat(get(store.cannedResponses("demo")))
        .containsExactly(
            new CannedResponse("demo", "bye", "Bye!", "maya", 2),
            new CannedResponse("demo", "hi", "Hello there!", "sam", 3));
    assertThat(get(store.deleteCanned("demo", "bye"))).isTrue();
    assertThat(get(store.deleteCanned("demo", "bye"))).isFalse();
    assertThat(get(store.cannedResponses("demo")))
        .extracting(CannedResponse::shortcut)
        .containsExactly("hi");
  }
}
