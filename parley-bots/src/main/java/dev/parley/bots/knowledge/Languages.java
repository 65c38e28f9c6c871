package dev.parley.bots.knowledge;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.ar.ArabicAnalyzer;
import org.apache.lucene.analysis.bg.BulgarianAnalyzer;
import org.apache.lucene.analysis.bn.BengaliAnalyzer;
import org.apache.lucene.analysis.ca.CatalanAnalyzer;
import org.apache.lucene.analysis.cjk.CJKAnalyzer;
import org.apache.lucene.analysis.cz.CzechAnalyzer;
import org.apache.lucene.analysis.da.DanishAnalyzer;
import org.apache.lucene.analysis.de.GermanAnalyzer;
import org.apache.lucene.analysis.el.GreekAnalyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.es.SpanishAnalyzer;
import org.apache.lucene.analysis.et.EstonianAnalyzer;
import org.apache.lucene.analysis.fa.PersianAnalyzer;
import org.apache.lucene.analysis.fi.FinnishAnalyzer;
import org.apache.lucene.analysis.fr.FrenchAnalyzer;
import org.apache.lucene.analysis.hi.HindiAnalyzer;
import org.apache.lucene.analysis.hu.HungarianAnalyzer;
import org.apache.lucene.analysis.id.IndonesianAnalyzer;
import org.apache.lucene.analysis.it.ItalianAnalyzer;
import org.apache.lucene.analysis.lt.LithuanianAnalyzer;
import org.apache.lucene.analysis.lv.LatvianAnalyzer;
import org.apache.lucene.analysis.miscellaneous.PerFieldAnalyzerWrapper;
import org.apache.lucene.analysis.nl.DutchAnalyzer;
import org.apache.lucene.analysis.no.NorwegianAnalyzer;
import org.apache.lucene.analysis.pt.PortugueseAnalyzer;
import org.apache.lucene.analysis.ro.RomanianAnalyzer;
import org.apache.lucene.analysis.ru.RussianAnalyzer;
import org.apache.lucene.analysis.sr.SerbianAnalyzer;
import org.apache.lucene.analysis.sv.SwedishAnalyzer;
import org.apache.lucene.analysis.ta.TamilAnalyzer;
import org.apache.lucene.analysis.th.ThaiAnalyzer;
import org.apache.lucene.analysis.tr.TurkishAnalyzer;

/**
 * The languages knowledge is indexed in — each of the widget's languages that Lucene has an
 * analyzer for (stemming, stop words; {@link #CODES}: 31 of its 44, and Chinese, Japanese and
 * Korean by their characters' bigrams) — and a cheap guess of a text's language: its script first
 * (Arabic, Cyrillic, Greek, Han, kana, Hangul, Thai, Devanagari, Bengali, Tamil), then, among the
 * languages written in it, the one whose stop words occur most often among its first words. English
 * when nothing decides. The widget's other languages (Croatian, Hebrew, Malay, Polish, Slovak,
 * Slovenian, Swahili, Tagalog, Ukrainian, Urdu, Vietnamese) have no analyzer here; their text is
 * indexed with the nearest guess. Thread-safe (analyzers are).
 */
public final class Languages {
  /** A language: its stop words, and its analyzer made with a stop set. */
  private record Lang(String script, CharArraySet stop, Function<CharArraySet, Analyzer> make) {}

  /** Latin, and the other scripts a guess tells apart. */
  private static final String LATIN = "Latin";

  /** Every language known, English (the default) first; ties go to the earlier. */
  private static final Map<String, Lang> KNOWN = new LinkedHashMap<>();

  static {
    latin("en", EnglishAnalyzer.ENGLISH_STOP_WORDS_SET, EnglishAnalyzer::new);
    latin("de", GermanAnalyzer.getDefaultStopSet(), GermanAnalyzer::new);
    latin("fr", FrenchAnalyzer.getDefaultStopSet(), FrenchAnalyzer::new);
    latin("es", SpanishAnalyzer.getDefaultStopSet(), SpanishAnalyzer::new);
    latin("it", ItalianAnalyzer.getDefaultStopSet(), ItalianAnalyzer::new);
    latin("pt", PortugueseAnalyzer.getDefaultStopSet(), PortugueseAnalyzer::new);
    latin("nl", DutchAnalyzer.getDefaultStopSet(), DutchAnalyzer::new);
    latin("sv", SwedishAnalyzer.getDefaultStopSet(), SwedishAnalyzer::new);
    latin("da", DanishAnalyzer.getDefaultStopSet(), DanishAnalyzer::new);
    latin("nb", NorwegianAnalyzer.getDefaultStopSet(), NorwegianAnalyzer::new);
    latin("fi", FinnishAnalyzer.getDefaultStopSet(), FinnishAnalyzer::new);
    latin("et", EstonianAnalyzer.getDefaultStopSet(), EstonianAnalyzer::new);
    latin("lv", LatvianAnalyzer.getDefaultStopSet(), LatvianAnalyzer::new);
    latin("lt", LithuanianAnalyzer.getDefaultStopSet(), LithuanianAnalyzer::new);
    latin("cs", CzechAnalyzer.getDefaultStopSet(), CzechAnalyzer::new);
    latin("hu", HungarianAnalyzer.getDefaultStopSet(), HungarianAnalyzer::new);
    latin("ro", RomanianAnalyzer.getDefaultStopSet(), RomanianAnalyzer::new);
    latin("ca", CatalanAnalyzer.getDefaultStopSet(), CatalanAnalyzer::new);
    latin("tr", TurkishAnalyzer.getDefaultStopSet(), TurkishAnalyzer::new);
    latin("id", IndonesianAnalyzer.getDefaultStopSet(), IndonesianAnalyzer::new);
    other("ru", "Cyrillic", RussianAnalyzer.getDefaultStopSet(), RussianAnalyzer::new);
    other("bg", "Cyrillic", BulgarianAnalyzer.getDefaultStopSet(), BulgarianAnalyzer::new);
    other("sr", "Cyrillic", SerbianAnalyzer.getDefaultStopSet(), SerbianAnalyzer::new);
    other("el", "Greek", GreekAnalyzer.getDefaultStopSet(), GreekAnalyzer::new);
    other("ar", "Arabic", ArabicAnalyzer.getDefaultStopSet(), ArabicAnalyzer::new);
    other("fa", "Arabic", PersianAnalyzer.getDefaultStopSet(), PersianAnalyzer::new);
    other("hi", "Devanagari", HindiAnalyzer.getDefaultStopSet(), HindiAnalyzer::new);
    other("bn", "Bengali", BengaliAnalyzer.getDefaultStopSet(), BengaliAnalyzer::new);
    other("ta", "Tamil", TamilAnalyzer.getDefaultStopSet(), TamilAnalyzer::new);
    other("th", "Thai", ThaiAnalyzer.getDefaultStopSet(), ThaiAnalyzer::new);
    other("zh", "Han", CJKAnalyzer.getDefaultStopSet(), CJKAnalyzer::new);
    other("ja", "Kana", CJKAnalyzer.getDefaultStopSet(), CJKAnalyzer::new);
    other("ko", "Hangul", CJKAnalyzer.getDefaultStopSet(), CJKAnalyzer::new);
  }

  private static void latin(String code, CharArraySet stop, Function<CharArraySet, Analyzer> a) {
    other(code, LATIN, stop, a);
  }

  private static void other(
      String code, String script, CharArraySet stop, Function<CharArraySet, Analyzer> a) {
    KNOWN.put(code, new Lang(script, stop, a));
  }

  /** The language codes known, English (the default) first. */
  public static final List<String> CODES = List.copyOf(KNOWN.keySet());

  /** Words said to a bot that carry no meaning in a question (on top of each stop-word list). */
  private static final Map<String, List<String>> CHAT_WORDS =
      Map.of(
          "en",
              List.of(
                  "please", "tell", "hi", "hello", "can", "could", "would", "me", "my", "about",
                  "what", "how", "why", "when", "where", "which", "who", "does", "do", "i", "you",
                  "your", "we", "our", "has", "have", "had", "from", "been", "were", "every"),
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

  private static final Map<String, CharArraySet> STOP = new HashMap<>();
  private static final Map<String, Analyzer> ANALYZERS = new HashMap<>();

  static {
    KNOWN.forEach(
        (code, l) -> {
          STOP.put(code, with(l.stop(), code));
          ANALYZERS.put(code, l.make().apply(STOP.get(code)));
        });
  }

  private Languages() {}

  private static CharArraySet with(CharArraySet base, String lang) {
    CharArraySet s = new CharArraySet(base, true);
    s.addAll(CHAT_WORDS.getOrDefault(lang, List.of()));
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
    String script = script(text);
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
    int best = -1;
    for (int i = 0; i < counts.length; i++) {
      if (KNOWN.get(CODES.get(i)).script().equals(script)
          && (best == -1 || counts[i] > counts[best])) {
        best = i;
      }
    }
    return best == -1 ? "en" : CODES.get(best);
  }

  /**
   * The script most of {@code text}'s first letters are in: Kana when it has any (Japanese mixes it
   * with Han), else the commonest of Latin and the others {@link #KNOWN} uses.
   */
  static String script(String text) {
    Map<String, Integer> counts = new HashMap<>();
    int seen = 0;
    for (int i = 0; i < text.length() && seen < SAMPLE_WORDS * 5; ) {
      int c = text.codePointAt(i);
      i += Character.charCount(c);
      if (!Character.isLetter(c)) {
        continue;
      }
      seen++;
      String s =
          switch (Character.UnicodeScript.of(c)) {
            case HIRAGANA, KATAKANA -> "Kana";
            case HAN -> "Han";
            case HANGUL -> "Hangul";
            case CYRILLIC -> "Cyrillic";
            case GREEK -> "Greek";
            case ARABIC -> "Arabic";
            case DEVANAGARI -> "Devanagari";
            case BENGALI -> "Bengali";
            case TAMIL -> "Tamil";
            case THAI -> "Thai";
            default -> LATIN;
          };
      counts.merge(s, 1, Integer::sum);
    }
    if (counts.getOrDefault("Kana", 0) > 0) {
      return "Kana";
    }
    return counts.entrySet().stream()
        .max(Map.Entry.comparingByValue())
        .map(Map.Entry::getKey)
        .orElse(LATIN);
  }
}
