package dev.parley.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.ChatStore;
import dev.parley.chat.ConversationSearch;
import dev.parley.chat.ConversationStatus;
import dev.parley.chat.SearchHit;
import dev.parley.chat.SearchQuery;
import dev.parley.core.AppendRequest;
import dev.parley.core.MessageStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a {@link ConversationSearch} finds, run on SQLite (FTS5) and PostgreSQL (tsvector + GIN):
 * words as word beginnings, every word required, notes, filters, pages newest first, literal
 * queries whatever they hold, and nothing of an erased visitor or a deleted conversation.
 */
@Timeout(60)
abstract class ConversationSearchContract {
  MessageStore messages;
  ChatStore chat;
  ConversationSearch search;

  /** Opens the three on one fresh database. */
  abstract void open() throws Exception;

  abstract void closeDatabase() throws Exception;

  @BeforeEach
  void setUp() throws Exception {
    open();
  }

  @AfterEach
  void tearDown() throws Exception {
    search.close();
    chat.close();
    closeDatabase();
  }

  static <T> T get(CompletableFuture<T> f) throws Exception {
    return f.get(10, TimeUnit.SECONDS);
  }

  long say(String conv, String sender, String kind, String text, long at) throws Exception {
    return get(messages.append(new AppendRequest(conv, sender, null, kind, text, at)))
        .message()
        .seq();
  }

  static SearchQuery query(String text) {
    return new SearchQuery(
        text, Set.of("demo"), null, null, null, 0, Long.MAX_VALUE, null, SearchQuery.MAX_LIMIT);
  }

  List<SearchHit> find(SearchQuery q) throws Exception {
    return get(search.search(q));
  }

  List<String> found(String text) throws Exception {
    return find(query(text)).stream().map(h -> h.conversation() + "#" + h.seq()).toList();
  }

  /** chat_1 (v1, with the bot, then ana) and chat_2 (v2, queued). */
  void twoConversations() throws Exception {
    get(chat.open("demo", "v1", "chat_1", 1_000));
    say("chat_1", "bot", "bot", "Hello! How can I help?", 1_000);
    say("chat_1", "v1", "text", "My parcel never arrived, I want a REFUND", 1_100);
    say("chat_1", "bot", "bot", "Refunds take five days.", 1_200);
    say("chat_1", "system", "system", "refund request queued", 1_300);
    get(chat.open("demo", "v2", "chat_2", 2_000));
    say("chat_2", "v2", "text", "Where is my parcel?", 2_100);
  }

  @Test
  void aWordFindsItsMessagesNewestFirstIgnoringCaseAsAWordBeginning() throws Exception {
    twoConversations();
    assertThat(found("parcel")).containsExactly("chat_2#1", "chat_1#2");
    assertThat(found("refund")).containsExactly("chat_1#3", "chat_1#2");
    assertThat(found("REF")).containsExactly("chat_1#3", "chat_1#2");
    assertThat(found("arcel")).isEmpty();
    SearchHit hit = find(query("refund")).get(1);
    assertThat(hit.text()).isEqualTo("My parcel never arrived, I want a REFUND");
    assertThat(hit.sender()).isEqualTo("v1");
    assertThat(hit.kind()).isEqualTo("text");
    assertThat(hit.createdAtMillis()).isEqualTo(1_100);
    assertThat(hit.site()).isEqualTo("demo");
    assertThat(hit.visitor()).isEqualTo("v1");
    assertThat(hit.status()).isEqualTo(ConversationStatus.BOT);
    assertThat(hit.note()).isFalse();
    assertThat(hit.messageId()).isNotBlank();
  }

  @Test
  void everyWordMustMatchAndSystemMessagesAreNotSearched() throws Exception {
    twoConversations();
    assertThat(found("parcel refund")).containsExactly("chat_1#2");
    assertThat(found("where parcel")).containsExactly("chat_2#1");
    assertThat(found("queued")).isEmpty();
  }

  @Test
  void notesAreFoundAsNotesOfTheirConversation() throws Exception {
    twoConversations();
    say("chat_1:notes", "ana", "text", "Customer is a VIP, refund at once", 1_500);
    SearchHit note = find(query("vip")).get(0);
    assertThat(note.conversation()).isEqualTo("chat_1");
    assertThat(note.note()).isTrue();
    assertThat(note.seq()).isEqualTo(1);
    assertThat(note.visitor()).isEqualTo("v1");
    assertThat(found("refund")).containsExactly("chat_1#1", "chat_1#3", "chat_1#2");
  }

  @Test
  void whatATypedQueryHoldsIsAlwaysLiteralNeverSyntax() throws Exception {
    twoConversations();
    for (String q :
        List.of(
            "\"refund",
            "refund\"",
            "refund*",
            "*refund",
            "(refund",
            "refund)",
            "refund:",
            "'refund'",
            "refund\\",
            "!refund",
            "-refund",
            "^refund",
            "refund & ",
            "refund |",
            "refund:*",
            "refund<->",
            "{refund}")) {
      assertThat(found(q)).as(q).contains("chat_1#2");
    }
    for (String q :
        List.of(
            "refund AND parcel",
            "NOT refund",
            "NEAR(refund",
            "NEAR(a b)",
            "body:refund",
            "refund'; DROP TABLE messages; --")) {
      assertThat(found(q)).as(q).isNotNull();
    }
    assertThat(found("refund OR zebra")).as("OR is a word to find, not an operator").isEmpty();
    assertThat(found("NEAR(refund")).as("NEAR is a word to find, not a function").isEmpty();
    assertThat(found("refund parcel AND")).isEmpty();
    say("chat_2", "v2", "text", "a AND b OR c NEAR d", 2_200);
    assertThat(found("and or near")).containsExactly("chat_2#2");
  }

  @Test
  void filtersBySiteStatusLabelAgentAndTime() throws Exception {
    twoConversations();
    get(chat.open("other", "v3", "chat_3", 3_000));
    say("chat_3", "v3", "text", "parcel for the other site", 3_100);
    get(chat.transition("chat_2", ConversationStatus.BOT, ConversationStatus.QUEUED, null, 2_500));
    get(
        chat.transition(
            "chat_2", ConversationStatus.QUEUED, ConversationStatus.ASSIGNED, "ana", 2_600));
    get(chat.label("chat_1", List.of("billing", "vip")));

    assertThat(ids(q("parcel", Set.of("demo", "other"), null, null, null, 0, Long.MAX_VALUE)))
        .containsExactly("chat_3", "chat_2", "chat_1");
    assertThat(ids(q("parcel", Set.of("other"), null, null, null, 0, Long.MAX_VALUE)))
        .containsExactly("chat_3");
    assertThat(
            ids(
                q(
                    "parcel",
                    Set.of("demo"),
                    ConversationStatus.ASSIGNED,
                    null,
                    null,
                    0,
                    Long.MAX_VALUE)))
        .containsExactly("chat_2");
    assertThat(ids(q("parcel", Set.of("demo"), null, "vip", null, 0, Long.MAX_VALUE)))
        .containsExactly("chat_1");
    assertThat(ids(q("parcel", Set.of("demo"), null, "vi", null, 0, Long.MAX_VALUE)))
        .as("a label is matched whole")
        .isEmpty();
    assertThat(ids(q("parcel", Set.of("demo"), null, null, "ana", 0, Long.MAX_VALUE)))
        .containsExactly("chat_2");
    assertThat(ids(q("parcel", Set.of("demo"), null, null, null, 1_100, 2_100)))
        .containsExactly("chat_1");
    assertThat(ids(q("parcel", Set.of("demo"), null, null, null, 1_101, 2_101)))
        .containsExactly("chat_2");
  }

  static SearchQuery q(
      String text,
      Set<String> sites,
      ConversationStatus status,
      String label,
      String agent,
      long from,
      long to) {
    return new SearchQuery(text, sites, status, label, agent, from, to, null, 20);
  }

  List<String> ids(SearchQuery q) throws Exception {
    return find(q).stream().map(SearchHit::conversation).toList();
  }

  @Test
  void pagesFollowEachOtherWithoutGapOrRepeat() throws Exception {
    get(chat.open("demo", "v1", "chat_1", 1_000));
    get(chat.open("demo", "v2", "chat_2", 1_000));
    List<String> all = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      // two messages at the same millisecond in each conversation: the order still holds
      say("chat_1", "v1", "text", "order " + i, 1_000 + i);
      say("chat_2", "v2", "text", "order " + i, 1_000 + i);
    }
    for (int i = 3; i >= 0; i--) {
      all.add("chat_2#" + (i + 1));
      all.add("chat_1#" + (i + 1));
    }
    List<String> paged = new ArrayList<>();
    SearchQuery.After after = null;
    for (int page = 0; page < 5; page++) {
      List<SearchHit> hits =
          find(
              new SearchQuery(
                  "order", Set.of("demo"), null, null, null, 0, Long.MAX_VALUE, after, 3));
      hits.forEach(h -> paged.add(h.conversation() + "#" + h.seq()));
      if (hits.size() < 3) {
        break;
      }
      after = SearchQuery.After.parse(hits.get(hits.size() - 1).after().token());
    }
    assertThat(paged).containsExactlyElementsOf(all);
  }

  @Test
  void anErasedVisitorsWordsAndNotesAreGoneFromTheHits() throws Exception {
    twoConversations();
    say("chat_1", "ana", "text", "Your parcel refund is on its way", 1_400);
    say("chat_1:notes", "ana", "text", "parcel lost by the courier", 1_500);
    assertThat(found("parcel")).hasSize(4);

    assertThat(get(messages.eraseSender("chat_1", "v1"))).isEqualTo(1);
    get(messages.deleteConversation("chat_1:notes"));
    get(chat.forgetVisitor("chat_1"));

    assertThat(found("parcel")).containsExactly("chat_2#1", "chat_1#5");
    assertThat(found("arrived")).isEmpty();
    assertThat(found("courier")).isEmpty();
  }

  @Test
  void aDeletedConversationIsGoneFromTheHits() throws Exception {
    twoConversations();
    get(
        chat.transition(
            "chat_1", ConversationStatus.BOT, ConversationStatus.RESOLVED, null, 1_600));
    assertThat(get(chat.delete("chat_1"))).isTrue();
    assertThat(found("parcel"))
        .as("the tombstoned conversation is left out at once")
        .containsExactly("chat_2#1");
    get(messages.deleteConversation("chat_1"));
    assertThat(found("refund")).isEmpty();
    assertThat(found("parcel")).containsExactly("chat_2#1");
  }
}
