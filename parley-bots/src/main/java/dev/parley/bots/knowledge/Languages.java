package dev.parley.bots.knowledge;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.de.GermanAnalyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.es.SpanishAnalyzer;
import org.apache.lucene.analysis.fr.FrenchAnalyzer;
import org.apache.lucene.analysis.miscellaneous.PerFieldAnalyzerWrapper;

/**
 * The languages knowledge is indexed in — the widget's (English, German) and French and Spanish —
 * each with its Lucene analyzer (stemming, stop words), and a cheap guess of a text's language: the
 * language whose stop words occur most often among its first words. English when nothing decides.
 * Thread-safe (analyzers are).
 */
public final class Languages {
  /** The language codes known, English (the default) first. */
  public static final List<String> CODES = List.of("en", "de", "fr", "es");

  /** Words said to a bot that carry no meaning in a question (on top of each stop-word list). */
  private static final Map<String, List<String>> CHAT_WORDS =
      Map.of(
          "en",
              List.of(
                  "please", "tell", "hi", "hello", "can", "could", "would", "me", "my", "about",
                  "what", "how", "why", "when", "where", "which", "who", "does", "do", "i", "you",
                  "your", "we"),
          "de",
              List.of(
                  "bitte", "hallo", "sagen", "kann", "können", "wie", "was", "warum", "wann", "wo",
                  "welche", "welcher", "wer", "ich", "mir", "mein", "ihr", "sie"),
          "fr",
              List.of(
                  "bonjour",
                  "merci",
                  "svp",
                  "comment",
                  "quoi",
                  "pourquoi",
                  "quand",
                  "où",
                  "quel",
                  "quelle",
                  "peux",
                  "pouvez",
                  "je",
                  "moi"),
          "es",
              List.of(
                  "hola", "gracias", "por", "favor", "cómo", "qué", "cuándo", "dónde", "cuál",
                  "puedo", "puede", "yo", "mi"));

  private static final Pattern WORD = Pattern.compile("\\p{L}+");
  private static final int SAMPLE_WORDS = 3000;

  private static final Map<String, CharArraySet> STOP =
      Map.of(
          "en", with(EnglishAnalyzer.ENGLISH_STOP_WORDS_SET, "en"),
          "de", with(GermanAnalyzer.getDefaultStopSet(), "de"),
          "fr", with(FrenchAnalyzer.getDefaultStopSet(), "fr"),
          "es", with(SpanishAnalyzer.getDefaultStopSet(), "es"));

  private static final Map<String, Analyzer> ANALYZERS =
      Map.of(
          "en", new EnglishAnalyzer(STOP.get("en")),
          "de", new GermanAnalyzer(STOP.get("de")),
          "fr", new FrenchAnalyzer(STOP.get("fr")),
          "es", new SpanishAnalyzer(STOP.get("es")));

  private Languages() {}

  private static CharArraySet with(CharArraySet base, String lang) {
    CharArraySet s = new CharArraySet(base, true);
    s.addAll(CHAT_WORDS.get(lang));
    return CharArraySet.unmodifiableSet(s);
  }

  /**
   * The analyzer of the index: each field {@code <name>.<code>} with its language's analyzer
   * (English's for fields without a known code).
   */
  static Analyzer perField() {
    Map<String, Analyzer> fields = new HashMap<>();
    for (String code : CODES) {
      fields.put("title." + code, ANALYZERS.get(code));
      fields.put("body." + code, ANALYZERS.get(code));
    }
    return new PerFieldAnalyzerWrapper(ANALYZERS.get("en"), fields);
  }

  /** The analyzer of {@code code}, English's for a code not known. */
  public static Analyzer analyzer(String code) {
    return ANALYZERS.getOrDefault(code, ANALYZERS.get("en"));
  }

  /** The language {@code text} is most likely in. */
  public static String guess(String text) {
    int[] counts = new int[CODES.size()];
    Matcher m = WORD.matcher(text);
    int words = 0;
    while (m.find() && words++ < SAMPLE_WORDS) {
      String w = m.group().toLowerCase(Locale.ROOT);
      for (int i = 0; i < CODES.size(); i++) {
        if (STOP.get(CODES.get(i)).contains(w)) {
          counts[i]++;
        }
      }
    }
    int best = 0;
    for (int i = 1; i < counts.length; i++) {
      if (counts[i] > counts[best]) {
        best = i;
      }
    }
    return CODES.get(best);
  }
}
