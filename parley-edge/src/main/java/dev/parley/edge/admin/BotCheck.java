package dev.parley.edge.admin;

import dev.parley.chat.BotSettings;
import dev.parley.edge.admin.SiteDoc.Bot;
import dev.parley.edge.admin.SiteDoc.Embeddings;
import dev.parley.edge.admin.SiteDoc.Llm;
import dev.parley.edge.admin.SiteDoc.Webhook;
import java.net.URI;

/**
 * A site's bot settings as the admin API and the sites file write them ({@link SiteDoc.Bot}):
 * checked field by field, with errors naming the field ({@code bot.llm.temperature}), and turned
 * into the chat layer's {@link BotSettings} and back. Stateless.
 */
final class BotCheck {
  private BotCheck() {}

  /** The document form of {@code s}; null for none. */
  static Bot of(BotSettings s) {
    if (s == null) {
      return null;
    }
    BotSettings.Llm l = s.llm();
    BotSettings.Webhook w = s.webhook();
    BotSettings.Embeddings e = s.embeddings();
    return new Bot(
        s.kind().wire(),
        l == null
            ? null
            : new Llm(
                l.baseUrl(),
                l.model(),
                l.apiKey(),
                l.systemPrompt(),
                l.temperature(),
                l.maxTokens(),
                l.imageInputs()),
        w == null ? null : new Webhook(w.url(), w.secret()),
        e == null ? null : new Embeddings(e.baseUrl(), e.model(), e.apiKey()));
  }

  /** The most characters of an embeddings model's name. */
  static final int MAX_MODEL = 200;

  /** {@code b} checked field by field (errors name {@code bot.…}), its kind in wire form. */
  static Bot checked(Bot b) {
    BotSettings.Kind kind;
    try {
      kind = BotSettings.Kind.ofWire(b.kind());
    } catch (IllegalArgumentException e) {
      throw new InvalidSetting("bot.kind", "must be kb, llm, webhook or none");
    }
    Llm l = b.llm();
    if (l != null) {
      url("bot.llm.baseUrl", l.baseUrl());
      SiteRules.text("bot.llm.model", l.model(), 200, false);
      SiteRules.text("bot.llm.apiKey", l.apiKey(), 1000, false);
      SiteRules.text("bot.llm.systemPrompt", l.systemPrompt(), 8000, true);
      if (l.temperature() != null && !(l.temperature() >= 0 && l.temperature() <= 2)) {
        throw new InvalidSetting("bot.llm.temperature", "must be between 0 and 2");
      }
      if (l.maxTokens() != null && (l.maxTokens() < 1 || l.maxTokens() > 32_000)) {
        throw new InvalidSetting("bot.llm.maxTokens", "must be between 1 and 32000");
      }
    }
    Webhook w = b.webhook();
    if (w != null) {
      url("bot.webhook.url", w.url());
      if (w.secret() != null && !w.secret().isEmpty() && w.secret().length() < 16) {
        throw new InvalidSetting("bot.webhook.secret", "must be at least 16 characters");
      }
    }
    Embeddings e = b.embeddings();
    if (e != null) {
      if (e.baseUrl() == null || e.baseUrl().isEmpty()) {
        throw new InvalidSetting("bot.embeddings.baseUrl", "is required");
      }
      url("bot.embeddings.baseUrl", e.baseUrl());
      if (e.model() == null || e.model().isBlank()) {
        throw new InvalidSetting("bot.embeddings.model", "is required");
      }
      SiteRules.text("bot.embeddings.model", e.model(), MAX_MODEL, false);
      SiteRules.text("bot.embeddings.apiKey", e.apiKey(), 1000, false);
      e = new Embeddings(e.baseUrl().replaceFirst("/+$", ""), e.model(), e.apiKey());
    }
    return new Bot(kind.wire(), l, w, e);
  }

  private static void url(String field, String v) {
    if (v == null) {
      return;
    }
    try {
      URI u = URI.create(v);
      if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
        throw new IllegalArgumentException();
      }
    } catch (IllegalArgumentException e) {
      throw new InvalidSetting(field, "must be an http or https URL");
    }
    SiteRules.text(field, v, 2000, false);
  }

  /** What the chat layer uses: null for none; blank secrets are none. */
  static BotSettings toBotSettings(Bot b) {
    if (b == null) {
      return null;
    }
    Llm l = b.llm();
    Webhook w = b.webhook();
    Embeddings e = b.embeddings();
    return new BotSettings(
        BotSettings.Kind.ofWire(b.kind()),
        l == null
            ? null
            : new BotSettings.Llm(
                l.baseUrl(),
                l.model(),
                blankToNull(l.apiKey()),
                l.systemPrompt(),
                l.temperature(),
                l.maxTokens(),
                l.imageInputs()),
        w == null ? null : new BotSettings.Webhook(w.url(), blankToNull(w.secret())),
        e == null
            ? null
            : new BotSettings.Embeddings(e.baseUrl(), e.model(), blankToNull(e.apiKey())));
  }

  private static String blankToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
