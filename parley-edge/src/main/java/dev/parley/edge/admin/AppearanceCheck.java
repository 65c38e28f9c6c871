package dev.parley.edge.admin;

import dev.parley.chat.SiteAppearance;
import dev.parley.edge.admin.SiteDoc.Appearance;
import dev.parley.edge.admin.SiteDoc.Texts;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Checks a site's {@link Appearance} field by field ({@code appearance.accent}, {@code
 * appearance.texts.de.greeting} …) and turns it into the chat layer's {@link SiteAppearance}.
 *
 * <p>Stateless; any thread.
 */
final class AppearanceCheck {
  /** A colour as the widget takes it. */
  static final Pattern COLOUR = Pattern.compile("#[0-9A-Fa-f]{6}");

  /** A language tag: a primary language and up to three subtags ({@code de}, {@code pt-BR}). */
  static final Pattern LANGUAGE = Pattern.compile("[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}");

  /** Most languages a site has texts for. */
  static final int MAX_LANGUAGES = 30;

  private AppearanceCheck() {}

  /**
   * {@code a} with its language tags in lower case, after checking every field.
   *
   * @throws InvalidSetting naming the first field that is wrong
   */
  static Appearance checked(Appearance a) {
    if (a.accent() != null && !COLOUR.matcher(a.accent()).matches()) {
      throw new InvalidSetting("appearance.accent", "must be a colour #rrggbb (like #0a7d4f)");
    }
    if (a.position() != null
        && !a.position().equals("bottom-right")
        && !a.position().equals("bottom-left")) {
      throw new InvalidSetting("appearance.position", "must be bottom-right or bottom-left");
    }
    SiteRules.text("appearance.title", a.title(), 60, false);
    SiteRules.text("appearance.launcherText", a.launcherText(), 40, false);
    avatar(a.avatarUrl());
    if (a.lang() != null && !LANGUAGE.matcher(a.lang()).matches()) {
      throw new InvalidSetting("appearance.lang", "is not a language tag (like de or pt-BR)");
    }
    Map<String, Texts> texts = a.texts() == null ? Map.of() : a.texts();
    if (texts.size() > MAX_LANGUAGES) {
      throw new InvalidSetting("appearance.texts", "has at most " + MAX_LANGUAGES + " languages");
    }
    Map<String, Texts> lower = new TreeMap<>();
    for (Map.Entry<String, Texts> e : texts.entrySet()) {
      String field = "appearance.texts." + e.getKey();
      if (!LANGUAGE.matcher(e.getKey()).matches()) {
        throw new InvalidSetting(field, "is not a language tag (like de or pt-BR)");
      }
      Texts t = e.getValue();
      if (t == null) {
        throw new InvalidSetting(field, "must be an object of greeting, title, launcherText");
      }
      SiteRules.text(field + ".greeting", t.greeting(), 2000, true);
      SiteRules.text(field + ".title", t.title(), 60, false);
      SiteRules.text(field + ".launcherText", t.launcherText(), 40, false);
      if (lower.put(e.getKey().toLowerCase(Locale.ROOT), t) != null) {
        throw new InvalidSetting(field, "is given twice (tags are not case-sensitive)");
      }
    }
    return new Appearance(
        a.accent() == null ? null : a.accent().toLowerCase(Locale.ROOT),
        a.position(),
        a.title(),
        a.launcherText(),
        a.avatarUrl(),
        lower,
        a.lang());
  }

  /**
   * An avatar is an https URL (the widget runs on https pages, where http images are mixed content)
   * or a path on the Parley server ({@code /logo.svg}); never {@code javascript:} or {@code data:}.
   */
  private static void avatar(String v) {
    if (v == null) {
      return;
    }
    String field = "appearance.avatarUrl";
    SiteRules.text(field, v, 2000, false);
    boolean ok;
    try {
      URI u = new URI(v);
      ok =
          u.isAbsolute()
              ? "https".equals(u.getScheme()) && u.getHost() != null
              : v.startsWith("/") && !v.startsWith("//") && u.getRawAuthority() == null;
    } catch (URISyntaxException e) {
      ok = false;
    }
    if (!ok || v.contains("\\")) {
      throw new InvalidSetting(
          field, "must be an https URL or a path on this server (like /logo.svg)");
    }
  }

  /** The chat layer's appearance of a checked document's, or null. */
  static SiteAppearance toSiteAppearance(Appearance a) {
    if (a == null) {
      return null;
    }
    Map<String, SiteAppearance.Texts> texts = new LinkedHashMap<>();
    if (a.texts() != null) {
      a.texts()
          .forEach(
              (lang, t) ->
                  texts.put(
                      lang, new SiteAppearance.Texts(t.greeting(), t.title(), t.launcherText())));
    }
    return new SiteAppearance(
        a.accent(), a.position(), a.title(), a.launcherText(), a.avatarUrl(), texts, a.lang());
  }

  /** The document of the chat layer's appearance {@code a}, or null. */
  static Appearance of(SiteAppearance a) {
    if (a == null) {
      return null;
    }
    Map<String, Texts> texts = new TreeMap<>();
    a.texts()
        .forEach(
            (lang, t) -> texts.put(lang, new Texts(t.greeting(), t.title(), t.launcherText())));
    return new Appearance(
        a.accent(), a.position(), a.title(), a.launcherText(), a.avatarUrl(), texts, a.lang());
  }
}
