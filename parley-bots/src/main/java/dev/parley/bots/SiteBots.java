package dev.parley.bots;

import dev.parley.chat.AttachmentReader;
import dev.parley.chat.Bot;
import dev.parley.chat.BotSettings;
import dev.parley.chat.FileLinker;
import dev.parley.chat.Site;
import dev.parley.core.NodeClock;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each site's bot, made from its settings ({@link Site#bot}, or the deployment's {@code --bot} when
 * it has none) and its own knowledge base, and made again when the settings change: the chat layer
 * asks for the bot of every turn, so a change takes effect at the next question. Every bot kind
 * answers from the site's knowledge ({@code knowledge}); a site whose bot is {@code none} has none
 * (null: its visitors go to the queue).
 *
 * <p>A bot replaced by a change may still be answering: it is closed only once {@link #RETIRED}
 * newer ones replaced others after it, or at {@link #close}.
 *
 * <p>Thread-safe: bots are made and swapped in a {@link ConcurrentHashMap} per site.
 */
public final class SiteBots implements Function<Site, Bot>, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SiteBots.class);

  /** Replaced bots kept open (answers in flight) before the oldest is closed. */
  static final int RETIRED = 16;

  /** A site's bot and what it was made from. */
  private record Made(BotSettings settings, Knowledge kb, Bot bot) {}

  private final BotSettings.Kind defaultKind;
  private final LlmBot.Config llmDefaults;
  private final WebhookBot.Config webhookDefaults;
  private final Function<String, Knowledge> knowledge;
  private final Duration pacing;
  private final NodeClock clock;
  private final FileLinker links;
  private final AttachmentReader files;
  private final ConcurrentHashMap<String, Made> bySite = new ConcurrentHashMap<>();

  /** Guarded by itself. */
  private final Deque<Bot> retired = new ArrayDeque<>();

  /**
   * @param defaultKind the deployment's bot ({@code --bot}) for sites without settings of their own
   * @param llmDefaults the deployment's LLM settings, for fields a site leaves out
   * @param webhookDefaults the deployment's webhook settings, or null when it has none
   * @param knowledge a site's knowledge base, by site id (its own, or the built-in one)
   * @param pacing the knowledge-base bot's pause between streamed pieces
   * @param links makes the signed links of the attachments the webhook bot is sent
   * @param files reads the attached images the LLM bot sends its model (with image inputs on)
   */
  public SiteBots(
      BotSettings.Kind defaultKind,
      LlmBot.Config llmDefaults,
      WebhookBot.Config webhookDefaults,
      Function<String, Knowledge> knowledge,
      Duration pacing,
      NodeClock clock,
      FileLinker links,
      AttachmentReader files) {
    this.links = links;
    this.files = files;
    this.defaultKind = defaultKind;
    this.llmDefaults = llmDefaults;
    this.webhookDefaults = webhookDefaults;
    this.knowledge = knowledge;
    this.pacing = pacing;
    this.clock = clock;
  }

  /** Bots that read no files: the LLM bot's model sees no images. */
  public SiteBots(
      BotSettings.Kind defaultKind,
      LlmBot.Config llmDefaults,
      WebhookBot.Config webhookDefaults,
      Function<String, Knowledge> knowledge,
      Duration pacing,
      NodeClock clock,
      FileLinker links) {
    this(
        defaultKind,
        llmDefaults,
        webhookDefaults,
        knowledge,
        pacing,
        clock,
        links,
        AttachmentReader.NONE);
  }

  @Override
  public Bot apply(Site site) {
    BotSettings wanted =
        site.bot() != null ? site.bot() : BotSettings.deploymentDefault(defaultKind);
    Knowledge kb = knowledge.apply(site.id());
    Made made =
        bySite.compute(
            site.id(),
            (id, old) -> {
              if (old != null && old.settings().equals(wanted) && old.kb() == kb) {
                return old;
              }
              if (old != null && old.bot() != null) {
                retire(old.bot());
              }
              return new Made(wanted, kb, make(site.id(), wanted, kb));
            });
    return made.bot();
  }

  /**
   * The secret {@code site}'s webhook bot signs with (its own, else the deployment's), which the
   * bot's answers must be signed with too; null when the site's bot is no webhook bot, or one
   * without a URL or a secret (which does not run).
   */
  public String webhookSecret(Site site) {
    BotSettings s = site.bot() != null ? site.bot() : BotSettings.deploymentDefault(defaultKind);
    return s.kind() == BotSettings.Kind.WEBHOOK && urlOf(s.webhook()) != null
        ? secretOf(s.webhook())
        : null;
  }

  private String urlOf(BotSettings.Webhook w) {
    WebhookBot.Config d = webhookDefaults;
    return w != null && w.url() != null ? w.url() : d == null ? null : d.url();
  }

  private String secretOf(BotSettings.Webhook w) {
    WebhookBot.Config d = webhookDefaults;
    return w != null && w.secret() != null ? w.secret() : d == null ? null : d.secret();
  }

  private Bot make(String site, BotSettings s, Knowledge kb) {
    switch (s.kind()) {
      case NONE -> {
        return null;
      }
      case KB -> {
        return new KnowledgeBaseBot(kb, pacing);
      }
      case LLM -> {
        BotSettings.Llm l = s.llm();
        LlmBot.Config d = llmDefaults;
        LlmBot.Config c =
            l == null
                ? d
                : new LlmBot.Config(
                    or(l.baseUrl(), d.baseUrl()),
                    or(l.model(), d.model()),
                    or(l.apiKey(), d.apiKey()),
                    d.firstTokenTimeout(),
                    d.stallTimeout(),
                    d.totalTimeout(),
                    d.contextPassages(),
                    or(l.systemPrompt(), d.systemPrompt()),
                    l.temperature() != null ? l.temperature() : d.temperature(),
                    l.maxTokens() != null ? l.maxTokens() : d.maxTokens(),
                    l.imageInputs() != null ? l.imageInputs() : d.imageInputs());
        return new LlmBot(c, kb, clock, files);
      }
      case WEBHOOK -> {
        BotSettings.Webhook w = s.webhook();
        WebhookBot.Config d = webhookDefaults;
        String url = urlOf(w);
        String secret = secretOf(w);
        if (url == null || secret == null) {
          log.warn(
              "site {} has the webhook bot but no webhook URL and secret; its visitors go to the queue",
              site);
          return null;
        }
        return new WebhookBot(
            new WebhookBot.Config(
                url,
                secret,
                d != null ? d.attempts() : 4,
                d != null ? d.firstBackoff() : Duration.ofMillis(500),
                d != null ? d.timeout() : Duration.ofSeconds(10)),
            Clock.systemUTC(),
            links);
      }
      default -> throw new IllegalStateException("unknown bot kind " + s.kind());
    }
  }

  private static String or(String a, String b) {
    return a != null ? a : b;
  }

  private void retire(Bot b) {
    Bot oldest = null;
    synchronized (retired) {
      retired.addLast(b);
      if (retired.size() > RETIRED) {
        oldest = retired.removeFirst();
      }
    }
    closeQuietly(oldest);
  }

  private static void closeQuietly(Bot b) {
    if (b instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception e) {
        log.debug("closing a bot failed", e);
      }
    }
  }

  @Override
  public void close() {
    bySite.values().stream()
        .map(Made::bot)
        .filter(Objects::nonNull)
        .forEach(SiteBots::closeQuietly);
    bySite.clear();
    synchronized (retired) {
      retired.forEach(SiteBots::closeQuietly);
      retired.clear();
    }
  }
}
