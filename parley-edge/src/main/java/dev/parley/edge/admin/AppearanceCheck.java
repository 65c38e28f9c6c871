package dev.parley.edge.admin;

import dev.parley.chat.PrechatForm;
import dev.parley.chat.SiteAppearance;
import dev.parley.edge.admin.SiteDoc.Appearance;
import dev.parley.edge.admin.SiteDoc.Texts;
import dev.parley.protocol.chat.ChatCommand;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
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
    prechat(a.prechat());
    return new Appearance(
        a.accent() == null ? null : a.accent().toLowerCase(Locale.ROOT),
        a.position(),
        a.title(),
        a.launcherText(),
        a.avatarUrl(),
        lower,
        a.lang(),
        a.prechat());
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

  /**
   * A pre-chat form has 1 to {@link PrechatForm#MAX_FIELDS} fields when on (none is fine when off),
   * each with a distinct key, a known kind and a label of at most {@link PrechatForm#MAX_LABEL}
   * characters.
   */
  private static void prechat(PrechatDoc p) {
    if (p == null) {
      return;
    }
    String field = "appearance.prechat.fields";
    List<PrechatDoc.Field> fields = p.fields() == null ? List.of() : p.fields();
    if (Boolean.TRUE.equals(p.enabled()) && fields.isEmpty()) {
      throw new InvalidSetting(field, "needs at least one field when the form is on");
    }
    if (fields.size() > PrechatForm.MAX_FIELDS) {
      throw new InvalidSetting(field, "has at most " + PrechatForm.MAX_FIELDS + " fields");
    }
    Set<String> keys = new HashSet<>();
    for (int i = 0; i < fields.size(); i++) {
      PrechatDoc.Field f = fields.get(i);
      String at = field + "[" + i + "]";
      if (f == null) {
        throw new InvalidSetting(at, "must be an object of key, kind, label, required");
      }
      if (f.key() == null || !ChatCommand.Prechat.KEY.matcher(f.key()).matches()) {
        throw new InvalidSetting(
            at + ".key", "must be 1-32 characters of a-z 0-9 _, starting with a letter");
      }
      if (!keys.add(f.key())) {
        throw new InvalidSetting(at + ".key", "is given twice");
      }
      if (PrechatForm.Kind.ofWire(f.kind()) == null) {
        throw new InvalidSetting(at + ".kind", "must be name, email, phone or text");
      }
      SiteRules.text(at + ".label", f.label(), PrechatForm.MAX_LABEL, false);
    }
  }

  /** The chat layer's pre-chat form of a checked document's, or null. */
  private static PrechatForm toForm(PrechatDoc p) {
    if (p == null) {
      return null;
    }
    List<PrechatForm.Field> fields = new ArrayList<>();
    for (PrechatDoc.Field f : p.fields() == null ? List.<PrechatDoc.Field>of() : p.fields()) {
      fields.add(
          new PrechatForm.Field(
              f.key(),
              PrechatForm.Kind.ofWire(f.kind()),
              f.label(),
              Boolean.TRUE.equals(f.required())));
    }
    return new PrechatForm(Boolean.TRUE.equals(p.enabled()), fields);
  }

  /** The document of the chat layer's pre-chat form, or null. */
  private static PrechatDoc ofForm(PrechatForm f) {
    if (f == null) {
      return null;
    }
    return new PrechatDoc(
        f.enabled(),
        f.fields().stream()
            .map(x -> new PrechatDoc.Field(x.key(), x.kind().wire(), x.label(), x.required()))
            .toList());
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
        a.accent(),
        a.position(),
        a.title(),
        a.launcherText(),
        a.avatarUrl(),
        texts,
        a.lang(),
        toForm(a.prechat()));
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
        a.accent(),
        a.position(),
        a.title(),
        a.launcherText(),
        a.avatarUrl(),
        texts,
        a.lang(),
        ofForm(a.prechat()));
  }
}
