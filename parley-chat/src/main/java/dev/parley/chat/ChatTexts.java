package dev.parley.chat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The words the chat says to visitors in their language: system messages (queue, handoff, away,
 * resolved …), the bots' fallback answers, and the phrases with which a visitor asks for a person.
 * Data, not code: {@code dev/parley/chat/i18n/<tag>.properties} (UTF-8), one per language listed in
 * {@code languages.txt} there, each with every key of {@code en.properties}. A text is {@code
 * {name}}-templated; a missing language or key falls back to English.
 *
 * <p>Immutable and thread-safe; {@link #get()} loads once.
 */
public final class ChatTexts {
  private static final String DIR = "/dev/parley/chat/i18n/";

  /** The fallback language, which has every key. */
  public static final String ENGLISH = "en";

  private static final class Holder {
    static final ChatTexts INSTANCE = load();
  }

  private final List<String> languages;
  private final Map<String, Map<String, String>> texts;
  private final Map<String, HumanPhrases> human;

  private ChatTexts(List<String> languages, Map<String, Map<String, String>> texts) {
    this.languages = List.copyOf(languages);
    this.texts = texts;
    Map<String, HumanPhrases> h = new LinkedHashMap<>();
    for (String lang : languages) {
      Map<String, String> t = texts.get(lang);
      h.put(
          lang,
          HumanPhrases.of(
              t.getOrDefault("human.phrases", ""), "substring".equals(t.get("human.match"))));
    }
    this.human = Map.copyOf(h);
  }

  /** The chat's texts, loaded from the classpath once. */
  public static ChatTexts get() {
    return Holder.INSTANCE;
  }

  /** The language tags there are texts for, English first. */
  public List<String> languages() {
    return languages;
  }

  /** The keys {@code lang} has (empty for an unknown language). */
  public Set<String> keys(String lang) {
    Map<String, String> t = texts.get(lang);
    return t == null ? Set.of() : new TreeSet<>(t.keySet());
  }

  /**
   * The language of ours that a tag such as {@code de-AT}, {@code pt-BR} or {@code zh-Hant} picks
   * (its primary subtag, with old and alternative codes mapped), or {@link #ENGLISH} for null, an
   * unknown language or a malformed tag.
   */
  public String language(String tag) {
    if (tag == null || tag.isBlank()) {
      return ENGLISH;
    }
    String primary = tag.strip().toLowerCase(Locale.ROOT).split("[-_]", 2)[0];
    String mapped =
        switch (primary) {
          case "iw" -> "he";
          case "in" -> "id";
          case "no", "nn" -> "nb";
          case "fil" -> "tl";
          case "sh", "bs" -> "hr";
          default -> primary;
        };
    return texts.containsKey(mapped) ? mapped : ENGLISH;
  }

  /**
   * The text {@code key} in the language of {@code tag} ({@link #language}), its {@code {name}}
   * placeholders replaced by {@code args} (name, value, name, value …) in one pass over the text,
   * so a value that itself holds {@code {name}} (an agent's or a site's name) stays as it is.
   * Placeholders without a value stay too. Falls back to English.
   */
  public String text(String tag, String key, String... args) {
    String t = texts.get(language(tag)).get(key);
    if (t == null) {
      t = texts.get(ENGLISH).get(key);
    }
    if (t == null) {
      throw new IllegalArgumentException("no chat text " + key);
    }
    if (args.length < 2) {
      return t;
    }
    Map<String, String> values = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      values.put(args[i], args[i + 1]);
    }
    Matcher m = PLACEHOLDER.matcher(t);
    StringBuilder out = new StringBuilder(t.length() + 32);
    while (m.find()) {
      String value = values.get(m.group(1));
      m.appendReplacement(out, Matcher.quoteReplacement(value != null ? value : m.group()));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-zA-Z]+)\\}");

  /** The locale dates in {@code tag}'s texts are formatted with. */
  public Locale locale(String tag) {
    return Locale.forLanguageTag(language(tag));
  }

  /**
   * Whether {@code text} asks for a person in any of our languages: lower-cased and
   * NFKC-normalised, it holds one of a language's phrases (as whole words; in languages written
   * without spaces between words, anywhere).
   */
  public boolean asksForHuman(String text) {
    String norm = normalise(text);
    for (HumanPhrases p : human.values()) {
      if (p.matches(norm)) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code text} asks for a person in {@code lang}'s phrases only (tests, docs). */
  boolean asksForHumanIn(String lang, String text) {
    HumanPhrases p = human.get(lang);
    return p != null && p.matches(normalise(text));
  }

  static String normalise(String text) {
    return Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
  }

  /** One language's phrases that ask for a person, matched as words or as substrings. */
  private record HumanPhrases(Pattern words, List<String> substrings) {
    static HumanPhrases of(String list, boolean substring) {
      List<String> phrases = new ArrayList<>();
      for (String p : list.split("\\|")) {
        String n = normalise(p.strip());
        if (!n.isEmpty()) {
          phrases.add(n);
        }
      }
      if (substring || phrases.isEmpty()) {
        return new HumanPhrases(null, List.copyOf(phrases));
      }
      String alternatives = phrases.stream().map(Pattern::quote).collect(Collectors.joining("|"));
      return new HumanPhrases(
          Pattern.compile(
              "(?<![\\p{L}\\p{M}\\p{N}])(?:" + alternatives + ")(?![\\p{L}\\p{M}\\p{N}])"),
          List.of());
    }

    boolean matches(String normalised) {
      if (words != null) {
        return words.matcher(normalised).find();
      }
      return substrings.stream().anyMatch(normalised::contains);
    }
  }

  private static ChatTexts load() {
    List<String> languages = new ArrayList<>();
    for (String line : read("languages.txt").lines().toList()) {
      String l = line.strip();
      if (!l.isEmpty() && !l.startsWith("#")) {
        languages.add(l);
      }
    }
    if (languages.isEmpty() || !languages.get(0).equals(ENGLISH)) {
      throw new IllegalStateException("languages.txt must list en first");
    }
    Map<String, Map<String, String>> texts = new LinkedHashMap<>();
    for (String lang : languages) {
      Properties p = new Properties();
      try {
        p.load(new StringReader(read(lang + ".properties")));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Map<String, String> m = new LinkedHashMap<>();
      p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k)));
      texts.put(lang, Map.copyOf(m));
    }
    return new ChatTexts(languages, Map.copyOf(texts));
  }

  private static String read(String name) {
    try (InputStream in = ChatTexts.class.getResourceAsStream(DIR + name)) {
      if (in == null) {
        throw new IllegalStateException("missing chat texts " + DIR + name);
      }
      try (BufferedReader r =
          new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        return r.lines().collect(Collectors.joining("\n"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
