package dev.parley.edge.admin;

import dev.parley.chat.BusinessHours;
import dev.parley.chat.Site;
import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A site as operators write it: the admin API's body, the stored document and (without {@code bot})
 * an entry of the sites file. {@link #checked} validates every field and fills the defaults, naming
 * the field of the first problem; {@link #toSite} makes what the chat layer uses. {@code
 * retentionDays} (1-3650, absent: keep forever) is how long resolved conversations are kept; {@code
 * files} the limits of uploads ({@link FileLimitsDoc}); {@code voice} the voice notes' length and
 * transcription ({@link VoiceDoc}).
 *
 * <p>Immutable. Secrets ({@code identitySecret}, {@code bot.llm.apiKey}, {@code
 * bot.webhook.secret}, {@code bot.embeddings.apiKey}, {@code voice.transcription.apiKey}, {@code
 * voice.speech.apiKey}, each {@code eventWebhooks[i].secret}) are plain here; {@link SiteSecrets}
 * seals them in the stored document and the API never shows them.
 */
public record SiteDoc(
    String id,
    String name,
    List<String> allowedOrigins,
    Boolean anonymousVisitors,
    String identitySecret,
    String greeting,
    String botName,
    Double confidenceThreshold,
    Hours hours,
    String visitorIdle,
    Bot bot,
    Boolean disabled,
    Appearance appearance,
    List<EventWebhookDoc> eventWebhooks,
    Integer retentionDays,
    FileLimitsDoc files,
    VoiceDoc voice) {

  /** A site document that keeps its conversations forever (no {@code retentionDays}). */
  public SiteDoc(
      String id,
      String name,
      List<String> allowedOrigins,
      Boolean anonymousVisitors,
      String identitySecret,
      String greeting,
      String botName,
      Double confidenceThreshold,
      Hours hours,
      String visitorIdle,
      Bot bot,
      Boolean disabled,
      Appearance appearance,
      List<EventWebhookDoc> eventWebhooks) {
    this(
        id,
        name,
        allowedOrigins,
        anonymousVisitors,
        identitySecret,
        greeting,
        botName,
        confidenceThreshold,
        hours,
        visitorIdle,
        bot,
        disabled,
        appearance,
        eventWebhooks,
        null,
        null,
        null);
  }

  /** A site document with the widget's default appearance. */
  public SiteDoc(
      String id,
      String name,
      List<String> allowedOrigins,
      Boolean anonymousVisitors,
      String identitySecret,
      String greeting,
      String botName,
      Double confidenceThreshold,
      Hours hours,
      String visitorIdle,
      Bot bot,
      Boolean disabled,
      List<EventWebhookDoc> eventWebhooks) {
    this(
        id,
        name,
        allowedOrigins,
        anonymousVisitors,
        identitySecret,
        greeting,
        botName,
        confidenceThreshold,
        hours,
        visitorIdle,
        bot,
        disabled,
        null,
        eventWebhooks);
  }

  /** A site document without event webhooks. */
  public SiteDoc(
      String id,
      String name,
      List<String> allowedOrigins,
      Boolean anonymousVisitors,
      String identitySecret,
      String greeting,
      String botName,
      Double confidenceThreshold,
      Hours hours,
      String visitorIdle,
      Bot bot,
      Boolean disabled,
      Appearance appearance) {
    this(
        id,
        name,
        allowedOrigins,
        anonymousVisitors,
        identitySecret,
        greeting,
        botName,
        confidenceThreshold,
        hours,
        visitorIdle,
        bot,
        disabled,
        appearance,
        null);
  }

  /** A site document with the widget's default appearance and no event webhooks. */
  public SiteDoc(
      String id,
      String name,
      List<String> allowedOrigins,
      Boolean anonymousVisitors,
      String identitySecret,
      String greeting,
      String botName,
      Double confidenceThreshold,
      Hours hours,
      String visitorIdle,
      Bot bot,
      Boolean disabled) {
    this(
        id,
        name,
        allowedOrigins,
        anonymousVisitors,
        identitySecret,
        greeting,
        botName,
        confidenceThreshold,
        hours,
        visitorIdle,
        bot,
        disabled,
        null,
        null);
  }

  /** A site id, also a conversation-id safe word. */
  public static final Pattern ID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

  /** An origin as browsers send it: scheme, host and maybe a port, no path; or {@code *}. */
  public static final Pattern ORIGIN =
      Pattern.compile(
          "\\*|https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?|https?://\\[[0-9A-Fa-f:.]+](:[0-9]{1,5})?");

  /** Business hours: days ({@code MONDAY}…), opens and closes ({@code HH:MM}), a time zone. */
  public record Hours(List<String> days, String opens, String closes, String zone) {}

  /**
   * The site's bot: kind {@code kb}, {@code llm}, {@code webhook} or {@code none}; {@code
   * embeddings}, when set, makes its knowledge search hybrid.
   */
  public record Bot(String kind, Llm llm, Webhook webhook, Embeddings embeddings) {
    public Bot(String kind, Llm llm, Webhook webhook) {
      this(kind, llm, webhook, null);
    }
  }

  /** An OpenAI-compatible embeddings endpoint: base URL and model required. */
  public record Embeddings(String baseUrl, String model, String apiKey) {}

  /**
   * The LLM bot's endpoint; null fields take the deployment's settings. {@code imageInputs}: the
   * model is sent the images visitors attach.
   */
  public record Llm(
      String baseUrl,
      String model,
      String apiKey,
      String systemPrompt,
      Double temperature,
      Integer maxTokens,
      Boolean imageInputs) {}

  /** The webhook bot's endpoint; null fields take the deployment's settings. */
  public record Webhook(String url, String secret) {}

  /** The widget's look and language ({@link AppearanceCheck}); null fields: the defaults. */
  public record Appearance(
      String accent,
      String position,
      String title,
      String launcherText,
      String avatarUrl,
      Map<String, Texts> texts,
      String lang,
      PrechatDoc prechat) {}

  /** The texts of one language; null fields fall back to the site's. */
  public record Texts(String greeting, String title, String launcherText) {}

  /**
   * This document with its defaults filled in, after checking every field.
   *
   * @throws InvalidSetting naming the first field that is wrong
   */
  public SiteDoc checked() {
    if (id == null || !ID.matcher(id).matches()) {
      throw new InvalidSetting("id", "must be 1-64 characters of A-Z a-z 0-9 _ . -");
    }
    SiteRules.text("name", name, 100, false);
    if (greeting == null || greeting.isBlank()) {
      throw new InvalidSetting("greeting", "is required");
    }
    SiteRules.text("greeting", greeting, 2000, true);
    SiteRules.text("botName", botName, 60, false);
    double threshold = confidenceThreshold == null ? 0.5 : confidenceThreshold;
    if (!(threshold >= 0 && threshold <= 1)) {
      throw new InvalidSetting("confidenceThreshold", "must be between 0 and 1");
    }
    if (identitySecret != null
        && !identitySecret.isEmpty()
        && identitySecret.getBytes(StandardCharsets.UTF_8).length < 32) {
      throw new InvalidSetting("identitySecret", "must be at least 32 bytes (HS256)");
    }
    List<String> origins = allowedOrigins == null ? List.of() : allowedOrigins;
    if (origins.size() > 100) {
      throw new InvalidSetting("allowedOrigins", "lists at most 100 origins");
    }
    for (int i = 0; i < origins.size(); i++) {
      String o = origins.get(i);
      if (o == null || !ORIGIN.matcher(o).matches()) {
        throw new InvalidSetting(
            "allowedOrigins[" + i + "]",
            "\""
                + o
                + "\" is not an origin "
                + "(scheme://host[:port], like https://shop.example, or \"*\" for any)");
      }
    }
    SiteRules.businessHours(hours);
    SiteRules.idle(visitorIdle);
    SiteRules.retention(retentionDays);
    Bot b = bot == null ? null : BotCheck.checked(bot);
    Appearance a = appearance == null ? null : AppearanceCheck.checked(appearance);
    List<EventWebhookDoc> hooks = EventWebhookDoc.checkedAll(eventWebhooks);
    return new SiteDoc(
        id,
        name == null ? id : name,
        List.copyOf(origins),
        anonymousVisitors == null || anonymousVisitors,
        identitySecret,
        greeting,
        botName == null ? "Assistant" : botName,
        threshold,
        hours,
        visitorIdle,
        b,
        Boolean.TRUE.equals(disabled),
        a,
        hooks,
        retentionDays,
        FileLimitsDoc.checked(files),
        VoiceDoc.checked(voice));
  }

  /**
   * What the chat layer uses; null when the site is disabled. Call on a {@link #checked} document.
   */
  public Site toSite() {
    if (Boolean.TRUE.equals(disabled)) {
      return null;
    }
    String secret = identitySecret == null || identitySecret.isEmpty() ? null : identitySecret;
    return new Site(
        id,
        name,
        allowedOrigins,
        greeting,
        botName,
        confidenceThreshold,
        SiteRules.businessHours(hours),
        anonymousVisitors,
        secret,
        SiteRules.idle(visitorIdle),
        BotCheck.toBotSettings(bot),
        AppearanceCheck.toSiteAppearance(appearance),
        eventWebhooks == null
            ? List.of()
            : eventWebhooks.stream()
                .map(EventWebhookDoc::toEventWebhook)
                .filter(h -> h != null)
                .toList(),
        SiteRules.retention(retentionDays),
        FileLimitsDoc.toLimits(files),
        VoiceDoc.toSettings(voice));
  }

  /** The document of {@code s} (a sites file's site, the demo site). */
  public static SiteDoc of(Site s) {
    Hours h =
        s.hours().equals(BusinessHours.always())
            ? null
            : new Hours(
                s.hours().days().stream().map(DayOfWeek::name).sorted().toList(),
                    s.hours().opens().toString(),
                s.hours().closes().toString(), s.hours().zone().getId());
    Bot b = BotCheck.of(s.bot());
    return new SiteDoc(
        s.id(),
        s.name(),
        s.allowedOrigins(),
        s.anonymousVisitors(),
        s.identitySecret(),
        s.greeting(),
        s.botName(),
        s.confidenceThreshold(),
        h,
        Durations.format(s.visitorIdle()),
        b,
        false,
        AppearanceCheck.of(s.appearance()),
        s.eventWebhooks().isEmpty()
            ? null
            : s.eventWebhooks().stream().map(EventWebhookDoc::of).toList(),
        s.retention() == null ? null : (int) s.retention().toDays(),
        FileLimitsDoc.of(s.files()),
        VoiceDoc.of(s.voice()));
  }

  /** This document with other secrets (null keeps none: the caller decides). */
  SiteDoc withSecrets(String identity, String apiKey, String webhookSecret, String embeddingsKey) {
    Bot b = bot;
    if (b != null) {
      b =
          new Bot(
              b.kind(),
              b.llm() == null
                  ? null
                  : new Llm(
                      b.llm().baseUrl(),
                      b.llm().model(),
                      apiKey,
                      b.llm().systemPrompt(),
                      b.llm().temperature(),
                      b.llm().maxTokens(),
                      b.llm().imageInputs()),
              b.webhook() == null ? null : new Webhook(b.webhook().url(), webhookSecret),
              b.embeddings() == null
                  ? null
                  : new Embeddings(
                      b.embeddings().baseUrl(), b.embeddings().model(), embeddingsKey));
    }
    return with(identity, b, eventWebhooks, voice);
  }

  /** This document with other event webhooks. */
  SiteDoc withEventWebhooks(List<EventWebhookDoc> hooks) {
    return with(identitySecret, bot, hooks, voice);
  }

  /** This document with other voice API keys: transcription, speech (null keeps none). */
  SiteDoc withVoiceKeys(String transcription, String speech) {
    return voice == null
        ? this
        : with(identitySecret, bot, eventWebhooks, voice.withKeys(transcription, speech));
  }

  private SiteDoc with(String identity, Bot b, List<EventWebhookDoc> hooks, VoiceDoc v) {
    return new SiteDoc(
        id,
        name,
        allowedOrigins,
        anonymousVisitors,
        identity,
        greeting,
        botName,
        confidenceThreshold,
        hours,
        visitorIdle,
        b,
        disabled,
        appearance,
        hooks,
        retentionDays,
        files,
        v);
  }

  /**
   * This document (a sites file's site) over {@code stored}: what the file leaves unset — the bot,
   * the appearance, the event webhooks, the retention period, the files' limits, the voice — is
   * kept from the stored one.
   */
  SiteDoc keepingUnsetFrom(SiteDoc stored) {
    return new SiteDoc(
        id,
        name,
        allowedOrigins,
        anonymousVisitors,
        identitySecret,
        greeting,
        botName,
        confidenceThreshold,
        hours,
        visitorIdle,
        bot != null ? bot : stored.bot(),
        disabled,
        appearance != null ? appearance : stored.appearance(),
        eventWebhooks != null ? eventWebhooks : stored.eventWebhooks(),
        retentionDays != null ? retentionDays : stored.retentionDays(),
        files != null ? files : stored.files(),
        voice != null ? voice : stored.voice());
  }

  @Override
  public String toString() {
    return "SiteDoc[" + id + "]"; // never prints a secret
  }
}
