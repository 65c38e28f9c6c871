package dev.parley.chat;

import java.time.Duration;
import java.util.List;

/**
 * A website that embeds the widget. Immutable.
 *
 * @param id short id used in {@code hello.site}
 * @param name display name
 * @param allowedOrigins origins whose pages may open the widget besides the server's own ({@code *}
 *     for any, listed explicitly; none by default)
 * @param greeting pushed to a visitor who has no open conversation
 * @param botName the bot's display name
 * @param confidenceThreshold below it the knowledge-base bot says it is not sure (0..1)
 * @param hours when agents answer
 * @param anonymousVisitors whether visitors may chat without a token from the site's backend (when
 *     false, a handshake naming the site without a token gets 401)
 * @param identitySecret the HS256 secret (at least 32 bytes) with which the site's backend signs
 *     its identified visitors' JWTs, or null
 * @param visitorIdle how long a visitor may be gone and silent before its queued or assigned
 *     conversation is closed as abandoned (freeing the agent's place)
 * @param bot the site's bot, or null for the deployment's ({@code --bot})
 * @param appearance how its widget looks and greets per language, or null for the widget's defaults
 * @param eventWebhooks where the site's integration events go (none by default)
 * @param retention how long a resolved conversation is kept before the retention sweep deletes it
 *     (with its files), or null to keep conversations forever (the default)
 * @param files the limits of its uploads ({@link FileLimits#DEFAULTS} when null)
 * @param voice its voice messages' length and transcription ({@link VoiceSettings#DEFAULTS} when
 *     null)
 */
public record Site(
    String id,
    String name,
    List<String> allowedOrigins,
    String greeting,
    String botName,
    double confidenceThreshold,
    BusinessHours hours,
    boolean anonymousVisitors,
    String identitySecret,
    Duration visitorIdle,
    BotSettings bot,
    SiteAppearance appearance,
    List<EventWebhook> eventWebhooks,
    Duration retention,
    FileLimits files,
    VoiceSettings voice) {

  public Site {
    allowedOrigins = List.copyOf(allowedOrigins);
    eventWebhooks = eventWebhooks == null ? List.of() : List.copyOf(eventWebhooks);
    files = files == null ? FileLimits.DEFAULTS : files;
    voice = voice == null ? VoiceSettings.DEFAULTS : voice;
  }

  /** A site with the default limits of uploads. */
  public Site(
      String id,
      String name,
      List<String> allowedOrigins,
      String greeting,
      String botName,
      double confidenceThreshold,
      BusinessHours hours,
      boolean anonymousVisitors,
      String identitySecret,
      Duration visitorIdle,
      BotSettings bot,
      SiteAppearance appearance,
      List<EventWebhook> eventWebhooks,
      Duration retention) {
    this(
        id,
        name,
        allowedOrigins,
        greeting,
        botName,
        confidenceThreshold,
        hours,
        anonymousVisitors,
        identitySecret,
        visitorIdle,
        bot,
        appearance,
        eventWebhooks,
        retention,
        null,
        null);
  }

  /** A site that keeps its conversations forever. */
  public Site(
      String id,
      String name,
      List<String> allowedOrigins,
      String greeting,
      String botName,
      double confidenceThreshold,
      BusinessHours hours,
      boolean anonymousVisitors,
      String identitySecret,
      Duration visitorIdle,
      BotSettings bot,
      SiteAppearance appearance,
      List<EventWebhook> eventWebhooks) {
    this(
        id,
        name,
        allowedOrigins,
        greeting,
        botName,
        confidenceThreshold,
        hours,
        anonymousVisitors,
        identitySecret,
        visitorIdle,
        bot,
        appearance,
        eventWebhooks,
        null);
  }

  /** A site without event webhooks. */
  public Site(
      String id,
      String name,
      List<String> allowedOrigins,
      String greeting,
      String botName,
      double confidenceThreshold,
      BusinessHours hours,
      boolean anonymousVisitors,
      String identitySecret,
      Duration visitorIdle,
      BotSettings bot,
      SiteAppearance appearance) {
    this(
        id,
        name,
        allowedOrigins,
        greeting,
        botName,
        confidenceThreshold,
        hours,
        anonymousVisitors,
        identitySecret,
        visitorIdle,
        bot,
        appearance,
        List.of());
  }

  /** A site with the widget's default appearance. */
  public Site(
      String id,
      String name,
      List<String> allowedOrigins,
      String greeting,
      String botName,
      double confidenceThreshold,
      BusinessHours hours,
      boolean anonymousVisitors,
      String identitySecret,
      Duration visitorIdle,
      BotSettings bot,
      List<EventWebhook> eventWebhooks) {
    this(
        id,
        name,
        allowedOrigins,
        greeting,
        botName,
        confidenceThreshold,
        hours,
        anonymousVisitors,
        identitySecret,
        visitorIdle,
        bot,
        null,
        eventWebhooks);
  }

  /** A site with the widget's default appearance and no event webhooks. */
  public Site(
      String id,
      String name,
      List<String> allowedOrigins,
      String greeting,
      String botName,
      double confidenceThreshold,
      BusinessHours hours,
      boolean anonymousVisitors,
      String identitySecret,
      Duration visitorIdle,
      BotSettings bot) {
    this(
        id,
        name,
        allowedOrigins,
        greeting,
        botName,
        confidenceThreshold,
        hours,
        anonymousVisitors,
        identitySecret,
        visitorIdle,
        bot,
        null,
        List.of());
  }

  /** A site with the deployment's bot. */
  public Site(
      String id,
      String name,
      List<String> allowedOrigins,
      String greeting,
      String botName,
      double confidenceThreshold,
      BusinessHours hours,
      boolean anonymousVisitors,
      String identitySecret,
      Duration visitorIdle) {
    this(
        id,
        name,
        allowedOrigins,
        greeting,
        botName,
        confidenceThreshold,
        hours,
        anonymousVisitors,
        identitySecret,
        visitorIdle,
        null,
        null,
        List.of());
  }

  /** How long a visitor may be gone and silent by default. */
  public static final Duration DEFAULT_VISITOR_IDLE = Duration.ofMinutes(15);

  /** A site with the default inactivity rule. */
  public Site(
      String id,
      String name,
      List<String> allowedOrigins,
      String greeting,
      String botName,
      double confidenceThreshold,
      BusinessHours hours,
      boolean anonymousVisitors,
      String identitySecret) {
    this(
        id,
        name,
        allowedOrigins,
        greeting,
        botName,
        confidenceThreshold,
        hours,
        anonymousVisitors,
        identitySecret,
        DEFAULT_VISITOR_IDLE);
  }

  /** A site that lets anonymous visitors in and has no identity secret. */
  public Site(
      String id,
      String name,
      List<String> allowedOrigins,
      String greeting,
      String botName,
      double confidenceThreshold,
      BusinessHours hours) {
    this(id, name, allowedOrigins, greeting, botName, confidenceThreshold, hours, true, null);
  }

  /** This site with another inactivity rule. */
  public Site withVisitorIdle(Duration d) {
    return copy(d, bot, appearance, eventWebhooks, retention, files, voice);
  }

  /** This site with another bot (null: the deployment's). */
  public Site withBot(BotSettings b) {
    return copy(visitorIdle, b, appearance, eventWebhooks, retention, files, voice);
  }

  /** This site with another appearance (null: the widget's defaults). */
  public Site withAppearance(SiteAppearance a) {
    return copy(visitorIdle, bot, a, eventWebhooks, retention, files, voice);
  }

  /** This site with other event webhooks. */
  public Site withEventWebhooks(List<EventWebhook> hooks) {
    return copy(visitorIdle, bot, appearance, hooks, retention, files, voice);
  }

  /** This site with another retention period (null: keep forever). */
  public Site withRetention(Duration r) {
    return copy(visitorIdle, bot, appearance, eventWebhooks, r, files, voice);
  }

  /** This site with other limits of uploads (null: the defaults). */
  public Site withFiles(FileLimits f) {
    return copy(visitorIdle, bot, appearance, eventWebhooks, retention, f, voice);
  }

  /** This site with other voice messages (null: the defaults). */
  public Site withVoice(VoiceSettings v) {
    return copy(visitorIdle, bot, appearance, eventWebhooks, retention, files, v);
  }

  private Site copy(
      Duration idle,
      BotSettings b,
      SiteAppearance a,
      List<EventWebhook> hooks,
      Duration r,
      FileLimits f,
      VoiceSettings v) {
    return new Site(
        id,
        name,
        allowedOrigins,
        greeting,
        botName,
        confidenceThreshold,
        hours,
        anonymousVisitors,
        identitySecret,
        idle,
        b,
        a,
        hooks,
        r,
        f,
        v);
  }

  /**
   * The greeting for a visitor speaking {@code lang} (null: unknown): the site's greeting in that
   * language — the site's own language when it sets one ({@link #visitorLanguage}) — ({@link
   * SiteAppearance#greeting}), else its default one.
   */
  public String greeting(String lang) {
    return appearance == null
        ? greeting
        : appearance.greeting(appearance.languageFor(lang), greeting);
  }

  /**
   * The language a visitor whose {@code hello.lang} was {@code helloLang} (null: none) is spoken to
   * in: the site's language when its appearance sets one, else {@code helloLang}.
   */
  public String visitorLanguage(String helloLang) {
    return appearance == null ? helloLang : appearance.languageFor(helloLang);
  }

  @Override
  public String toString() {
    return "Site[" + id + "]"; // never prints the identity secret
  }

  /** The demo site that {@code parley run} serves out of the box. */
  public static Site demo() {
    return new Site(
        "demo",
        "Parley demo",
        List.of(),
        "Hi! I'm Parley's assistant. Ask me anything about Parley — how it works, how to run it, how it keeps "
            + "your messages safe.",
        "Parley bot",
        0.5,
        BusinessHours.always());
  }
}
