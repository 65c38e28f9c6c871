package dev.parley.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.protocol.MessageMeta;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The guarantees of {@link MessageStore}, run against every implementation: subclass it and provide
 * {@link #openStore()}.
 */
@Timeout(60)
public abstract class MessageStoreContract {
  protected MessageStore store;

  /** A new, empty store. */
  protected abstract MessageStore openStore() throws Exception;

  @BeforeEach
  void open() throws Exception {
    store = openStore();
  }

  @AfterEach
  void close() {
    store.close();
  }

  protected static Appended await(CompletableFuture<Appended> f) throws Exception {
    return f.get(10, TimeUnit.SECONDS);
  }

  protected static AppendRequest text(String conv, String sender, String cid, String text) {
    return new AppendRequest(conv, sender, cid, "text", text, 1_700_000_000_000L);
  }

  @Test
  void appendsGetGaplessSeqsStartingAtOne() throws Exception {
    for (int i = 1; i <= 5; i++) {
      Appended a = await(store.append(text("c1", "u1", "cid-" + i, "m" + i)));
      assertThat(a.duplicate()).isFalse();
      assertThat(a.message().seq()).isEqualTo(i);
      assertThat(a.message().id()).isNotBlank();
    }
    assertThat(store.lastSeq("c1")).isEqualTo(5);
  }

  @Test
  void resendWithSameCidIsStoredOnceAndAnsweredWithTheSameSeq() throws Exception {
    Appended first = await(store.append(text("c1", "u1", "same", "hello")));
    await(store.append(text("c1", "u1", "other", "between")));
    Appended again = await(store.append(text("c1", "u1", "same", "hello")));
    assertThat(again.duplicate()).isTrue();
    assertThat(again.message()).isEqualTo(first.message());
    assertThat(store.readAfter("c1", 0, 100)).hasSize(2);
  }

  @Test
  void sameCidFromAnotherSenderOrConversationIsANewMessage() throws Exception {
    await(store.append(text("c1", "u1", "x", "a")));
    assertThat(await(store.append(text("c1", "u2", "x", "b"))).duplicate()).isFalse();
    assertThat(await(store.append(text("c2", "u1", "x", "c"))).duplicate()).isFalse();
    assertThat(store.lastSeq("c1")).isEqualTo(2);
    assertThat(store.lastSeq("c2")).isEqualTo(1);
  }

  @Test
  void findByCidFindsTheStoredMessageOfThatConversationAndSenderOnly() throws Exception {
    MessageMeta meta =
        new MessageMeta(List.of(new MessageMeta.Source("Pricing", "https://x.example/p", null)));
    Appended sent =
        await(store.append(new AppendRequest("c1", "u1", "x", "text", "hi", 7L, null, null, meta)));
    await(store.append(text("c1", "u1", "y", "later")));
    await(store.append(text("c2", "u2", "x", "elsewhere")));

    assertThat(store.findByCid("c1", "u1", "x")).contains(sent.message());
    assertThat(store.findByCid("c1", "u1", "x").orElseThrow().meta()).isEqualTo(meta);
    assertThat(store.findByCid("c1", "u1", "y").orElseThrow().seq()).isEqualTo(2);
    assertThat(store.findByCid("c1", "u1", "never-sent")).isEmpty();
    assertThat(store.findByCid("c1", "u2", "x")).as("another sender's same cid").isEmpty();
    assertThat(store.findByCid("c2", "u1", "x")).as("another conversation's").isEmpty();
    assertThat(store.findByCid("nobody", "u1", "x")).isEmpty();
  }

  @Test
  void findByCidFindsNothingOnceTheMessageIsErasedOrItsConversationDeleted() throws Exception {
    await(store.append(text("c1", "visitor", "v1", "secret")));
    await(store.append(text("c2", "agent", "a1", "bye")));
    store.eraseSender("c1", "visitor").get(10, TimeUnit.SECONDS);
    store.deleteConversation("c2").get(10, TimeUnit.SECONDS);
    assertThat(store.findByCid("c1", "visitor", "v1")).isEmpty();
    assertThat(store.findByCid("c2", "agent", "a1")).isEmpty();
  }

  @Test
  void messagesWithoutCidAreNeverDeduplicated() throws Exception {
    await(store.append(text("c1", "bot", null, "a")));
    await(store.append(text("c1", "bot", null, "a")));
    assertThat(store.lastSeq("c1")).isEqualTo(2);
  }

  @Test
  void unknownConversationIsEmpty() {
    assertThat(store.lastSeq("nobody")).isZero();
    assertThat(store.readAfter("nobody", 0, 10)).isEmpty();
    assertThat(store.readBefore("nobody", Long.MAX_VALUE, 10)).isEmpty();
    assertThat(store.receipts("nobody")).isEmpty();
  }

  @Test
  void readAfterPagesForwardInOrder() throws Exception {
    for (int i = 0; i < 25; i++) {
      await(store.append(text("c1", "u1", "c" + i, "m" + i)));
    }
    List<StoredMessage> page = store.readAfter("c1", 10, 10);
    assertThat(page)
        .extracting(StoredMessage::seq)
        .containsExactlyElementsOf(LongStream.rangeClosed(11, 20).boxed().toList());
    assertThat(page.get(0).text()).isEqualTo("m10");
    assertThat(store.readAfter("c1", 20, 10)).hasSize(5);
    assertThat(store.readAfter("c1", 25, 10)).isEmpty();
  }

  @Test
  void readBeforePagesBackwardReturningAscendingOrder() throws Exception {
    for (int i = 0; i < 25; i++) {
      await(store.append(text("c1", "u1", "c" + i, "m" + i)));
    }
    assertThat(store.readBefore("c1", Long.MAX_VALUE, 10))
        .extracting(StoredMessage::seq)
        .containsExactlyElementsOf(LongStream.rangeClosed(16, 25).boxed().toList());
    assertThat(store.readBefore("c1", 16, 10))
        .extracting(StoredMessage::seq)
        .containsExactlyElementsOf(LongStream.rangeClosed(6, 15).boxed().toList());
    assertThat(store.readBefore("c1", 6, 10))
        .extracting(StoredMessage::seq)
        .containsExactly(1L, 2L, 3L, 4L, 5L);
  }

  @Test
  void storedFieldsRoundTrip() throws Exception {
    Appended a =
        await(
            store.append(new AppendRequest("c1", "u1", "k", "text", "héllo \"quoted\" ✓", 1234L)));
    StoredMessage read = store.readAfter("c1", 0, 1).get(0);
    assertThat(read).isEqualTo(a.message());
    assertThat(read.text()).isEqualTo("héllo \"quoted\" ✓");
    assertThat(read.createdAtMillis()).isEqualTo(1234L);
    assertThat(read.sender()).isEqualTo("u1");
    assertThat(read.cid()).isEqualTo("k");
  }

  /** Threads appending to one conversation at once in the tests below. */
  static final int THREADS = 8;

  /** Messages each of them appends. */
  static final int PER_THREAD = 200;

  /** The seqs {@link #THREADS} × {@link #PER_THREAD} appends to one conversation get. */
  static List<Long> allSeqs() {
    return LongStream.rangeClosed(1, (long) THREADS * PER_THREAD).boxed().toList();
  }

  /**
   * {@link #THREADS} threads at once each make {@link #PER_THREAD} appends to conversation "hot",
   * each by {@code append} (with the thread's user and a cid and text of its own); returns their
   * futures, all completed.
   */
  <T> List<CompletableFuture<T>> appendFromManyThreads(
      Function<AppendRequest, CompletableFuture<T>> append) throws Exception {
    List<CompletableFuture<T>> all = new ArrayList<>();
    List<Thread> ts = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int tt = t;
      ts.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    for (int i = 0; i < PER_THREAD; i++) {
                      CompletableFuture<T> f =
                          append.apply(text("hot", "u" + tt, "c" + i, "t" + tt + "-" + i));
                      synchronized (all) {
                        all.add(f);
                      }
                    }
                  }));
    }
    for (Thread t : ts) {
      t.join();
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    return all;
  }

  @Test
  void concurrentAppendsFromManyThreadsStayGapless() throws Exception {
    appendFromManyThreads(store::append);
    List<StoredMessage> stored = store.readAfter("hot", 0, THREADS * PER_THREAD + 10);
    assertThat(stored).extracting(StoredMessage::seq).containsExactlyElementsOf(allSeqs());
    assertThat(stored).extracting(StoredMessage::text).doesNotHaveDuplicates();
  }

  @Test
  void eachAppendsContinuationRunsInTheConversationsSeqOrderWhicheverThreadAppended()
      throws Exception {
    List<Long> seen = new ArrayList<>();
    List<CompletableFuture<Long>> all =
        appendFromManyThreads(
            r ->
                store.append(
                    r,
                    a -> {
                      synchronized (seen) {
                        seen.add(a.message().seq());
                      }
                      return CompletableFuture.completedFuture(a.message().seq());
                    }));
    synchronized (seen) {
      assertThat(seen).containsExactlyElementsOf(allSeqs());
    }
    assertThat(all).extracting(CompletableFuture::join).doesNotHaveDuplicates();
  }

  @Test
  void aContinuationThatThrowsFailsItsAppendsFutureAndNotTheWrite() throws Exception {
    CompletableFuture<Appended> failed =
        store.append(
            text("c1", "u1", "x1", "kept"),
            a -> {
              throw new IllegalStateException("the continuation broke");
            });
    assertThatThrownBy(() -> failed.get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(IllegalStateException.class);
    assertThat(store.readAfter("c1", 0, 10))
        .extracting(StoredMessage::text)
        .containsExactly("kept");
  }

  @Test
  void receiptsAreCumulative() throws Exception {
    assertThat(store.saveReceipt("c1", "u1", "read", 5).get(10, TimeUnit.SECONDS)).isTrue();
    assertThat(store.saveReceipt("c1", "u1", "read", 3).get(10, TimeUnit.SECONDS)).isFalse();
    assertThat(store.saveReceipt("c1", "u1", "read", 5).get(10, TimeUnit.SECONDS)).isFalse();
    assertThat(store.saveReceipt("c1", "u1", "delivered", 7).get(10, TimeUnit.SECONDS)).isTrue();
    assertThat(store.saveReceipt("c1", "u2", "read", 1).get(10, TimeUnit.SECONDS)).isTrue();
    assertThat(store.receipts("c1"))
        .containsExactlyInAnyOrder(
            new ReceiptState("c1", "u1", "read", 5),
            new ReceiptState("c1", "u1", "delivered", 7),
            new ReceiptState("c1", "u2", "read", 1));
  }

  @Test
  void anExplicitIdAndStatusAreKept() throws Exception {
    Appended a =
        await(
            store.append(
                new AppendRequest(
                    "c1", "bot", null, "bot", "partial answ", 5L, "m_answer1", "stopped")));
    assertThat(a.message().id()).isEqualTo("m_answer1");
    StoredMessage read = store.readAfter("c1", 0, 1).get(0);
    assertThat(read.id()).isEqualTo("m_answer1");
    assertThat(read.status()).isEqualTo("stopped");
    assertThat(read.kind()).isEqualTo("bot");
  }

  /** Meta near the size limit, with characters JSON must escape and ones outside ASCII. */
  protected static MessageMeta bigMeta() {
    List<MessageMeta.Source> sources = new ArrayList<>();
    for (int i = 0; i < MessageMeta.MAX_SOURCES; i++) {
      sources.add(
          new MessageMeta.Source(
              "Guide \"" + i + "\" — ünïcode ✓",
              "https://docs.example.com/guide/" + "p".repeat(1000) + "?q=" + i + "&x=%3Cy%3E",
              i % 2 == 0 ? null : "Snippet with a\nnewline and a \\ backslash"));
    }
    return new MessageMeta(sources);
  }

  @Test
  void metaIsStoredWithTheMessageAndReadBackEqual() throws Exception {
    MessageMeta meta = bigMeta();
    Appended a =
        await(
            store.append(
                new AppendRequest("c1", "bot", null, "bot", "answer", 5L, "m_a1", null, meta)));
    assertThat(a.message().meta()).isEqualTo(meta);
    await(store.append(text("c1", "u1", "k", "no meta here")));
    List<StoredMessage> read = store.readAfter("c1", 0, 10);
    assertThat(read.get(0)).isEqualTo(a.message());
    assertThat(read.get(0).meta()).isEqualTo(meta);
    assertThat(read.get(1).meta()).isNull();
    assertThat(store.readBefore("c1", 2, 1).get(0).meta()).isEqualTo(meta);
  }

  @Test
  void emptyMetaIsStoredAsNoMeta() throws Exception {
    Appended a =
        await(
            store.append(
                new AppendRequest(
                    "c1", "bot", null, "bot", "x", 5L, null, null, MessageMeta.NONE)));
    assertThat(a.message().meta()).isNull();
    assertThat(store.readAfter("c1", 0, 1).get(0).meta()).isNull();
  }

  @Test
  void aDuplicateCidAnswersWithTheOriginalMeta() throws Exception {
    MessageMeta meta =
        new MessageMeta(List.of(new MessageMeta.Source("Pricing", "https://x.example/p", null)));
    Appended first =
        await(
            store.append(
                new AppendRequest("c1", "bot", "hook-1", "bot", "first", 5L, null, null, meta)));
    Appended again =
        await(
            store.append(
                new AppendRequest("c1", "bot", "hook-1", "bot", "retry", 6L, null, null, null)));
    assertThat(again.duplicate()).isTrue();
    assertThat(again.message()).isEqualTo(first.message());
    assertThat(again.message().meta()).isEqualTo(meta);
    assertThat(store.lastSeq("c1")).isEqualTo(1);
  }

  @Test
  void erasingASenderAlsoErasesItsMeta() throws Exception {
    await(
        store.append(
            new AppendRequest("c1", "bot", null, "bot", "answer", 5L, null, null, bigMeta())));
    store.eraseSender("c1", "bot").get(10, TimeUnit.SECONDS);
    StoredMessage read = store.readAfter("c1", 0, 1).get(0);
    assertThat(read.isErased()).isTrue();
    assertThat(read.meta()).isNull();
  }

  @Test
  void erasingASenderLeavesTombstonesAtTheSameSeqs() throws Exception {
    Appended v1 = await(store.append(text("c1", "visitor", "v1", "my address is 1 Main St")));
    await(store.append(text("c1", "agent", "a1", "thanks")));
    await(store.append(text("c1", "visitor", "v2", "call me at 555")));
    await(store.append(text("c2", "visitor", "v3", "other conversation")));
    store.saveReceipt("c1", "visitor", "read", 2).get(10, TimeUnit.SECONDS);
    store.saveReceipt("c1", "agent", "read", 3).get(10, TimeUnit.SECONDS);

    assertThat(store.eraseSender("c1", "visitor").get(10, TimeUnit.SECONDS)).isEqualTo(2);

    List<StoredMessage> after = store.readAfter("c1", 0, 10);
    assertThat(after).extracting(StoredMessage::seq).containsExactly(1L, 2L, 3L);
    assertThat(after.get(0)).isEqualTo(v1.message().tombstone());
    assertThat(after.get(0).text()).isEmpty();
    assertThat(after.get(0).sender()).isEqualTo(StoredMessage.ERASED);
    assertThat(after.get(0).cid()).isNull();
    assertThat(after.get(1).text()).isEqualTo("thanks");
    assertThat(after.get(2).isErased()).isTrue();
    assertThat(store.readBefore("c1", 3, 1).get(0).isErased()).isFalse();
    assertThat(store.lastSeq("c1")).isEqualTo(3);
    assertThat(store.receipts("c1")).containsExactly(new ReceiptState("c1", "agent", "read", 3));
    assertThat(store.readAfter("c2", 0, 10).get(0).text()).isEqualTo("other conversation");
    assertThat(store.eraseSender("c1", "visitor").get(10, TimeUnit.SECONDS)).isZero();
  }

  @Test
  void afterErasureTheSenderAppendsAfterTheTombstonesAndAnOldCidIsNew() throws Exception {
    await(store.append(text("c1", "visitor", "v1", "secret")));
    store.eraseSender("c1", "visitor").get(10, TimeUnit.SECONDS);
    Appended again = await(store.append(text("c1", "visitor", "v1", "hello again")));
    assertThat(again.duplicate()).isFalse();
    assertThat(again.message().seq()).isEqualTo(2);
  }

  @Test
  void deletingAConversationRemovesItsMessagesAndReceiptsOnly() throws Exception {
    await(store.append(text("c1", "visitor", "v1", "a")));
    await(store.append(text("c1", "agent", "a1", "b")));
    await(store.append(text("c2", "visitor", "v1", "kept")));
    store.saveReceipt("c1", "agent", "read", 2).get(10, TimeUnit.SECONDS);
    store.saveReceipt("c2", "agent", "read", 1).get(10, TimeUnit.SECONDS);

    assertThat(store.deleteConversation("c1").get(10, TimeUnit.SECONDS)).isEqualTo(2);

    assertThat(store.readAfter("c1", 0, 10)).isEmpty();
    assertThat(store.lastSeq("c1")).isZero();
    assertThat(store.receipts("c1")).isEmpty();
    assertThat(store.readAfter("c2", 0, 10)).hasSize(1);
    assertThat(store.receipts("c2")).hasSize(1);
    assertThat(await(store.append(text("c1", "visitor", "v1", "new"))).message().seq())
        .isEqualTo(1);
    assertThat(store.deleteConversation("nobody").get(10, TimeUnit.SECONDS)).isZero();
  }

  @Test
  void isHealthyWhileOpen() {
    assertThat(store.isHealthy()).isTrue();
  }
}
