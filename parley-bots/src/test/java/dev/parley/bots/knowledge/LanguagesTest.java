package dev.parley.bots.knowledge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.bots.Knowledge;
import dev.parley.chat.KnowledgeStore.Document;
import dev.parley.chat.KnowledgeStore.Section;
import dev.parley.chat.KnowledgeStore.Status;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The analyzer follows the document's language, for the widget's languages Lucene has one for: the
 * language is guessed by script, then stop words, and a question finds a passage through that
 * language's stemmer or, for Chinese and Japanese, its characters.
 */
class LanguagesTest {
  @TempDir Path dir;

  @Test
  void theLanguageIsGuessedByScriptThenStopWords() {
    assertThat(
            Languages.guess("Spediamo gli ordini entro tre giorni e il reso è gratuito per voi."))
        .isEqualTo("it");
    assertThat(Languages.guess("Enviamos os pedidos em três dias e a devolução não é paga."))
        .isEqualTo("pt");
    assertThat(Languages.guess("Wij verzenden de bestellingen binnen drie dagen en het is gratis."))
        .isEqualTo("nl");
    assertThat(Languages.guess("Мы отправляем заказы в течение трёх дней, и это бесплатно."))
        .isEqualTo("ru");
    assertThat(Languages.guess("Στέλνουμε τις παραγγελίες μέσα σε τρεις ημέρες.")).isEqualTo("el");
    assertThat(Languages.guess("نرسل الطلبات في غضون ثلاثة أيام وهذا مجاني.")).isEqualTo("ar");
    assertThat(Languages.guess("ご注文は三日以内に発送します。")).isEqualTo("ja");
    assertThat(Languages.guess("我们在三天内发货,免费。")).isEqualTo("zh");
    assertThat(Languages.guess("주문은 삼일 이내에 발송됩니다.")).isEqualTo("ko");
    assertThat(Languages.guess("เราจัดส่งคำสั่งซื้อภายในสามวัน")).isEqualTo("th");
    assertThat(Languages.guess("हम तीन दिनों में ऑर्डर भेजते हैं।")).isEqualTo("hi");
    assertThat(Languages.guess("Every kettle has a two year warranty.")).isEqualTo("en");
    assertThat(Languages.guess("12345 !!!")).as("nothing decides: English").isEqualTo("en");
  }

  static Document doc(String id, String lang, Section s) {
    return new Document(
        id,
        "acme",
        id,
        id + ".md",
        Sniffer.MARKDOWN,
        1,
        "sha-" + id,
        Status.READY,
        null,
        lang,
        List.of(s),
        1);
  }

  @Test
  void aQuestionFindsAPassageThroughItsLanguagesStemmerOrCharacters() throws Exception {
    SiteIndex i =
        SiteIndex.build(
            dir.resolve("g1"),
            List.of(
                doc("it", "it", new Section("Spedizioni", "Spediamo gli ordini entro tre giorni.")),
                doc("ja", "ja", new Section("配送", "ご注文は三日以内に発送します。")),
                doc("ru", "ru", new Section("Доставка", "Мы отправляем заказы за три дня."))));
    try {
      assertThat(i.search("Quando arriva il mio ordine?", List.of(), 1))
          .as("ordine and ordini share their Italian stem")
          .extracting(h -> h.passage().title())
          .containsExactly("Spedizioni");
      assertThat(i.search("発送はいつですか", List.of(), 1))
          .as("the bigram 発送")
          .extracting(h -> h.passage().title())
          .containsExactly("配送");
      assertThat(i.search("Когда придёт мой заказ?", List.of(), 1))
          .as("заказ and заказы share their Russian stem")
          .extracting(h -> h.passage().title())
          .containsExactly("Доставка");
    } finally {
      i.retire();
    }
  }

  @Test
  void aLongQuestionOverEveryLanguageStaysWithinLucenesClauseLimit() throws Exception {
    List<Document> docs = new ArrayList<>();
    for (String lang : Languages.CODES) {
      docs.add(doc(lang, lang, new Section("Title " + lang, "kettle words " + lang)));
    }
    SiteIndex i = SiteIndex.build(dir.resolve("g2"), docs);
    try {
      String longQuestion =
          IntStream.range(0, 700).mapToObj(n -> "kettle" + n).collect(Collectors.joining(" "));
      List<Knowledge.Hit> hits =
          i.search("kettle " + longQuestion, List.of(longQuestion + " more"), 3);
      assertThat(hits).as("no TooManyClauses: the terms per language shrink").isNotEmpty();
      assertThat(i.termsPerLanguage()).isLessThan(SiteIndex.MAX_TERMS);
    } finally {
      i.retire();
    }
  }
}
