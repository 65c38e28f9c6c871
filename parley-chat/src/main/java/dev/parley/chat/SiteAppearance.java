package dev.parley.chat;

import java.util.Locale;
import java.util.Map;

/**
 * How a site's widget looks and greets, set by its operator ({@code docs/CLIENTS.md#the-widget}):
 * the widget restyles itself with it at load, and the chat layer greets each visitor in the
 * visitor's language when the site has a greeting for it. Immutable; any field may be null (the
 * widget's own default).
 *
 * @param accent the accent colour, {@code #rrggbb}
 * @param position where the launcher sits: {@code bottom-right} or {@code bottom-left}
 * @param title the panel's title
 * @param launcherText a label shown on the launcher beside its icon
 * @param avatarUrl the avatar or logo in the panel's header: an https URL or a path on the server
 * @param texts texts per language (lower-case tags such as {@code de} or {@code pt-br}), each
 *     overriding the fields above and the site's greeting for visitors of that language
 * @param lang the site's language (a tag such as {@code de}), or null: when set, every visitor of
 *     the site is spoken to in it — the widget's words, the greeting, the chat's texts — whatever
 *     the browser says
 * @param prechat the pre-chat form, or null for none
 */
public record SiteAppearance(
    String accent,
    String position,
    String title,
    String launcherText,
    String avatarUrl,
    Map<String, Texts> texts,
    String lang,
    PrechatForm prechat) {

  public SiteAppearance {
    texts = texts == null ? Map.of() : Map.copyOf(texts);
    lang = lang == null || lang.isBlank() ? null : lang;
  }

  /** An appearance without a pre-chat form. */
  public SiteAppearance(
      String accent,
      String position,
      String title,
      String launcherText,
      String avatarUrl,
      Map<String, Texts> texts,
      String lang) {
    this(accent, position, title, launcherText, avatarUrl, texts, lang, null);
  }

  /** Whether the site asks its visitors to fill in the pre-chat form. */
  public boolean prechatOn() {
    return prechat != null && prechat.enabled() && !prechat.fields().isEmpty();
  }

  /** An appearance that leaves the language to the visitor. */
  public SiteAppearance(
      String accent,
      String position,
      String title,
      String launcherText,
      String avatarUrl,
      Map<String, Texts> texts) {
    this(accent, position, title, launcherText, avatarUrl, texts, null);
  }

  /**
   * The language a visitor whose hello said {@code helloLang} is spoken to in: the site's, else
   * that.
   */
  public String languageFor(String helloLang) {
    return lang == null ? helloLang : lang;
  }

  /**
   * The texts of one language; null fields fall back to the site's.
   *
   * @param greeting the greeting for visitors who speak it
   * @param title the panel's title
   * @param launcherText the launcher's label
   */
  public record Texts(String greeting, String title, String launcherText) {}

  /**
   * The greeting for a visitor speaking {@code lang} (a tag such as {@code de-AT}): the texts of
   * that tag, else of its primary language ({@code de}), else {@code fallback}.
   */
  public String greeting(String lang, String fallback) {
    Texts t = textsFor(lang);
    return t == null || t.greeting() == null || t.greeting().isBlank() ? fallback : t.greeting();
  }

  /** The texts for {@code lang} (the tag, else its primary language), or null. */
  public Texts textsFor(String lang) {
    if (lang == null || lang.isEmpty()) {
      return null;
    }
    String tag = lang.toLowerCase(Locale.ROOT);
    Texts exact = texts.get(tag);
    if (exact != null) {
      return exact;
    }
    int dash = tag.indexOf('-');
    return dash < 0 ? null : texts.get(tag.substring(0, dash));
  }
}
