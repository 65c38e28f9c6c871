package dev.parley.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The chat's texts ({@code dev/parley/chat/i18n}): every language has every key of English, with
 * the same placeholders and nothing left blank; tags pick the right language; the phrases that ask
 * for a person match in German, Arabic, Japanese, Chinese and Thai, and not inside other words. A
 * key added to {@code en.properties} only fails here until every language has it.
 */
class ChatTextsTest {
  static final ChatTexts TEXTS = ChatTexts.get();
  static final Pattern PLACEHOLDER = Pattern.compile("\\{[a-z]+}");

  @Test
  void thereAreAtLeastFortyLanguagesRightToLeftOnesIncluded() {
    assertThat(TEXTS.languages()).hasSizeGreaterThanOrEqualTo(40).startsWith("en");
    assertThat(TEXTS.languages()).contains("ar", "he", "fa", "ur", "zh", "ja", "ko", "th", "hi");
  }

  @Test
  void placeholdersAreFilledInOnePassSoAValueHoldingAPlaceholderStaysAsItIs() {
    assertThat(TEXTS.text("en", "transferred", "agent", "Maya {to}", "to", "Sam"))
        .isEqualTo("Maya {to} transferred the conversation to Sam.");
    assertThat(TEXTS.text("en", "transferred", "to", "Sam", "agent", "$1 \\ Maya"))
        .as("order of the arguments and regex metacharacters do not matter")
        .isEqualTo("$1 \\ Maya transferred the conversation to Sam.");
    assertThat(TEXTS.text("en", "joined")).isEqualTo("{agent} joined the conversation.");
  }

  @Test
  void everyLanguageHasEveryKeyWithTheSamePlaceholders() {
    Set<String> english = TEXTS.keys("en");
    List<String> problems = new ArrayList<>();
    for (String lang : TEXTS.languages()) {
      Set<String> keys = TEXTS.keys(lang);
      for (String k : english) {
        if (!keys.contains(k)) {
          problems.add(lang + ": missing " + k);
        } else if (TEXTS.text(lang, k).isBlank()) {
          problems.add(lang + ": blank " + k);
        } else if (!placeholders(TEXTS.text(lang, k)).equals(placeholders(TEXTS.text("en", k)))) {
          problems.add(lang + ": placeholders of " + k + " differ from English");
        }
      }
      keys.stream()
          .filter(k -> !english.contains(k))
          .forEach(k -> problems.add(lang + ": extra " + k));
    }
    assertThat(problems).isEmpty();
  }

  private static Set<String> placeholders(String text) {
    Matcher m = PLACEHOLDER.matcher(text);
    return m.results().map(r -> r.group()).collect(Collectors.toSet());
  }

  @Test
  void aTagPicksItsLanguageAndAnUnknownOneEnglish() {
    assertThat(TEXTS.language("ar-EG")).isEqualTo("ar");
    assertThat(TEXTS.language("pt-BR")).isEqualTo("pt");
    assertThat(TEXTS.language("zh-TW")).isEqualTo("zh");
    assertThat(TEXTS.language("iw")).isEqualTo("he");
    assertThat(TEXTS.language("no")).isEqualTo("nb");
    assertThat(TEXTS.language("xx-YY")).isEqualTo("en");
    assertThat(TEXTS.language(null)).isEqualTo("en");
    assertThat(TEXTS.text("de-AT", "joined", "agent", "Maya"))
        .isEqualTo("Maya ist der Unterhaltung beigetreten.");
    assertThat(TEXTS.text("xx", "joined", "agent", "Maya"))
        .isEqualTo("Maya joined the conversation.");
  }

  @Test
  void peopleAreAskedForInManyLanguages() {
    assertThat(TEXTS.asksForHuman("Can I talk to a human please?")).isTrue();
    assertThat(TEXTS.asksForHuman("Ich möchte mit einem MENSCHEN sprechen")).isTrue();
    assertThat(TEXTS.asksForHuman("أريد التحدث مع موظف من فضلك")).isTrue();
    assertThat(TEXTS.asksForHuman("担当者と話したいです")).isTrue();
    assertThat(TEXTS.asksForHuman("请帮我转人工")).isTrue();
    assertThat(TEXTS.asksForHuman("ขอคุยกับเจ้าหน้าที่ครับ")).isTrue();
    assertThat(TEXTS.asksForHuman("Хочу поговорить с оператором")).isTrue();
    // NFKC: full-width Latin letters are the same words
    assertThat(TEXTS.asksForHuman("ｈｕｍａｎ please")).isTrue();
    assertThat(TEXTS.asksForHumanIn("ja", "オペレーターにつないで")).isTrue();
    assertThat(TEXTS.asksForHumanIn("de", "Kundendienst bitte")).isTrue();
  }

  @Test
  void ordinaryQuestionsAndWordsThatOnlyContainAPhraseDoNot() {
    assertThat(TEXTS.asksForHuman("How do I reset my password?")).isFalse();
    assertThat(TEXTS.asksForHuman("Is the humanities course open?")).isFalse();
    assertThat(TEXTS.asksForHuman("Wie setze ich mein Passwort zurück?")).isFalse();
    assertThat(TEXTS.asksForHuman("人工智能是什么？")).isFalse();
    assertThat(TEXTS.asksForHuman("كيف أغير كلمة المرور؟")).isFalse();
  }
}
