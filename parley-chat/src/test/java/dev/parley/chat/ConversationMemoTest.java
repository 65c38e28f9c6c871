package dev.parley.chat;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The per-conversation soft state's bound: the least recently touched conversation goes first. */
class ConversationMemoTest {
  @Test
  void pastItsCapacityTheConversationTouchedLeastRecentlyIsForgotten() {
    ConversationMemo<Integer> memo = new ConversationMemo<>(3);
    memo.put("a", 1);
    memo.put("b", 2);
    memo.put("c", 3);
    assertThat(memo.get("a")).isEqualTo(1); // touched: b is now the least recent
    memo.merge("d", 4, Integer::sum);

    assertThat(memo.size()).isEqualTo(3);
    assertThat(memo.get("b")).as("forgotten").isNull();
    assertThat(memo.snapshot()).containsOnlyKeys("a", "c", "d");
  }

  @Test
  void mergeAddsToWhatIsRememberedAndRemoveForgets() {
    ConversationMemo<Integer> memo = new ConversationMemo<>();
    assertThat(memo.merge("a", 1, Integer::sum)).isEqualTo(1);
    assertThat(memo.merge("a", 1, Integer::sum)).isEqualTo(2);
    assertThat(memo.put("a", 5)).isEqualTo(2);
    assertThat(memo.remove("a")).isEqualTo(5);
    assertThat(memo.get("a")).isNull();
    assertThat(memo.size()).isZero();
  }

  @Test
  void theDefaultBoundIsFarAboveOneNodesConversationsInFlight() {
    ConversationMemo<Integer> memo = new ConversationMemo<>();
    for (int i = 0; i < ConversationMemo.CAPACITY + 10; i++) {
      memo.put("chat_" + i, i);
    }
    assertThat(memo.size()).isEqualTo(ConversationMemo.CAPACITY);
    assertThat(memo.get("chat_9")).isNull();
    assertThat(memo.get("chat_10")).isEqualTo(10);
  }
}
