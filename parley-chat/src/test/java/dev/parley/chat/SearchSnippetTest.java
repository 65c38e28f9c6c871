package dev.parley.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.SearchSnippet.Part;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What a search result shows, and which queries are refused before any store sees them. */
class SearchSnippetTest {
  @Test
  void theWordsThatBeginWithAQueryWordAreMarkedIgnoringCaseAndAccents() {
    assertThat(SearchSnippet.of("Où est mon COLIS? Le café", List.of("colis", "cafe")))
        .containsExactly(
            new Part("Où est mon ", false),
            new Part("COLIS", true),
            new Part("? Le ", false),
            new Part("café", true));
    assertThat(SearchSnippet.of("refunds and a refund", List.of("refund")))
        .containsExactly(
            new Part("refunds", true), new Part(" and a ", false), new Part("refund", true));
  }

  @Test
  void aLongMessageShowsAWindowAroundTheFirstMatchFromAWordStart() {
    String text = "word ".repeat(40) + "parcel " + "tail ".repeat(60);
    List<Part> parts = SearchSnippet.of(text, List.of("parcel"));
    assertThat(parts.get(0).text()).startsWith("…word ").hasSizeLessThanOrEqualTo(52);
    assertThat(parts.get(1)).isEqualTo(new Part("parcel", true));
    assertThat(parts.get(2).text()).endsWith("…");
    int shown = parts.stream().mapToInt(p -> p.text().length()).sum();
    assertThat(shown).isLessThanOrEqualTo(SearchSnippet.WIDTH + 2);
  }

  @Test
  void aWindowNeverSplitsASurrogatePair() {
    String text = "😀".repeat(100) + " match";
    for (Part p : SearchSnippet.of(text, List.of("match"))) {
      assertThat(Character.isLowSurrogate(p.text().charAt(0))).as(p.text()).isFalse();
    }
    String noMatch = "😀".repeat(200);
    List<Part> parts = SearchSnippet.of(noMatch, List.of("zebra"));
    String last = parts.get(parts.size() - 1).text();
    assertThat(Character.isHighSurrogate(last.charAt(last.length() - 2))).isFalse();
  }

  @Test
  void aQueryIsItsWordsLowerCasedEachOnce() {
    assertThat(SearchQuery.terms("\"Refund\"* AND refund NEAR(QX-4471: é"))
        .containsExactly("refund", "and", "near", "qx", "4471", "é");
  }

  static SearchQuery query(String text, int limit) {
    return new SearchQuery(text, Set.of("demo"), null, null, null, 0, Long.MAX_VALUE, null, limit);
  }

  @Test
  void eachLimitIsRefusedNamingItsField() {
    assertThatThrownBy(() -> query("", 20)).hasFieldOrPropertyWithValue("field", "q");
    assertThatThrownBy(() -> query("a".repeat(201), 20)).hasFieldOrPropertyWithValue("field", "q");
    assertThat(query("😀".repeat(199) + "a", 20).text()).as("code points are counted").isNotNull();
    assertThatThrownBy(() -> query("\"*:() -", 20)).hasFieldOrPropertyWithValue("field", "q");
    assertThatThrownBy(() -> query("a", 0)).hasFieldOrPropertyWithValue("field", "limit");
    assertThatThrownBy(() -> query("a", 101)).hasFieldOrPropertyWithValue("field", "limit");
    assertThatThrownBy(
            () -> new SearchQuery("a", Set.of("demo"), null, "VIP", null, 0, 1, null, 20))
        .hasFieldOrPropertyWithValue("field", "label");
    assertThatThrownBy(() -> new SearchQuery("a", Set.of("demo"), null, null, null, 5, 5, null, 20))
        .hasFieldOrPropertyWithValue("field", "to");
    assertThatThrownBy(() -> new SearchQuery("a", Set.of(), null, null, null, 0, 1, null, 20))
        .hasFieldOrPropertyWithValue("field", "site");
  }

  @Test
  void aCursorIsReadBackAsItWasHandedOutAndAnythingElseIsRefused() {
    SearchQuery.After a = new SearchQuery.After(1_700_000_000_000L, "chat_x:notes", 42);
    assertThat(SearchQuery.After.parse(a.token())).isEqualTo(a);
    for (String bad : List.of("", "1.2", "1.2.!!", "x.2.YQ", "99999999999999999999.1.YQ")) {
      assertThatThrownBy(() -> SearchQuery.After.parse(bad))
          .as(bad)
          .hasFieldOrPropertyWithValue("field", "cursor");
    }
  }
}
