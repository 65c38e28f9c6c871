package dev.parley.edge.admin;

import java.util.ArrayList;
import java.util.List;

/**
 * The secrets of a site document — its identity secret, the LLM API key, the webhook bot's secret,
 * the embeddings API key, the transcription and speech API keys and each event webhook's secret —
 * sealed for storage and opened for use ({@link SecretBox}), each with its place ({@code
 * site/<id>/<field>}) as associated data. Secrets are write-only: a document sent without one keeps
 * the stored one, an empty string clears it.
 *
 * <p>Stateless and thread-safe.
 */
final class SiteSecrets {
  private SiteSecrets() {}

  /** The LLM API key, or null. */
  static String apiKey(SiteDoc d) {
    return d.bot() == null || d.bot().llm() == null ? null : d.bot().llm().apiKey();
  }

  /** The webhook bot's secret, or null. */
  static String webhookSecret(SiteDoc d) {
    return d.bot() == null || d.bot().webhook() == null ? null : d.bot().webhook().secret();
  }

  /** The embeddings API key, or null. */
  static String embeddingsKey(SiteDoc d) {
    return d.bot() == null || d.bot().embeddings() == null ? null : d.bot().embeddings().apiKey();
  }

  /** The transcription API key, or null. */
  static String transcriptionKey(SiteDoc d) {
    return d.voice() == null ? null : d.voice().apiKey();
  }

  /** The speech API key, or null. */
  static String speechKey(SiteDoc d) {
    return d.voice() == null ? null : d.voice().speechKey();
  }

  /** {@code d} with no secret at all (what the API shows, beside whether each is set). */
  static SiteDoc without(SiteDoc d) {
    return d.withSecrets(null, null, null, null).withEventWebhooks(null).withVoiceKeys(null, null);
  }

  /** {@code sealed} (as stored) with its secrets opened. */
  static SiteDoc open(SecretBox box, SiteDoc s) {
    return s.withSecrets(
            box.open(s.identitySecret(), place(s.id(), "identitySecret")),
            box.open(apiKey(s), place(s.id(), "bot.llm.apiKey")),
            box.open(webhookSecret(s), place(s.id(), "bot.webhook.secret")),
            box.open(embeddingsKey(s), place(s.id(), "bot.embeddings.apiKey")))
        .withEventWebhooks(
            s.eventWebhooks() == null
                ? null
                : s.eventWebhooks().stream()
                    .map(h -> h.withSecret(box.open(h.secret(), hookPlace(s.id(), h.id()))))
                    .toList())
        .withVoiceKeys(
            box.open(transcriptionKey(s), place(s.id(), "voice.transcription.apiKey")),
            box.open(speechKey(s), place(s.id(), "voice.speech.apiKey")));
  }

  /**
   * {@code doc} (plain secrets, as sent) as it will be stored over {@code before} (sealed, or null
   * for a new site): each secret sent sealed, each left out kept, each empty cleared.
   *
   * @throws InvalidSetting for an event webhook with no secret sent or stored
   */
  static SiteDoc seal(SecretBox box, SiteDoc doc, SiteDoc before) {
    String id = doc.id();
    return doc.withSecrets(
            keep(
                box,
                doc.identitySecret(),
                before == null ? null : before.identitySecret(),
                id,
                "identitySecret"),
            keep(box, apiKey(doc), before == null ? null : apiKey(before), id, "bot.llm.apiKey"),
            keep(
                box,
                webhookSecret(doc),
                before == null ? null : webhookSecret(before),
                id,
                "bot.webhook.secret"),
            keep(
                box,
                embeddingsKey(doc),
                before == null ? null : embeddingsKey(before),
                id,
                "bot.embeddings.apiKey"))
        .withEventWebhooks(sealedHooks(box, doc, before))
        .withVoiceKeys(
            keep(
                box,
                transcriptionKey(doc),
                before == null ? null : transcriptionKey(before),
                id,
                "voice.transcription.apiKey"),
            keep(
                box,
                speechKey(doc),
                before == null ? null : speechKey(before),
                id,
                "voice.speech.apiKey"));
  }

  /**
   * A secret as it will be stored: sent (sealed), empty (cleared), or absent (the stored one kept).
   */
  private static String keep(SecretBox box, String sent, String stored, String site, String field) {
    if (sent == null) {
      return stored;
    }
    return sent.isEmpty() ? null : box.seal(sent, place(site, field));
  }

  /**
   * {@code doc}'s event webhooks as they will be stored: each secret sealed, or the stored one of
   * the same id kept when none is sent; a webhook with neither is refused.
   */
  private static List<EventWebhookDoc> sealedHooks(SecretBox box, SiteDoc doc, SiteDoc before) {
    if (doc.eventWebhooks() == null) {
      return null;
    }
    List<EventWebhookDoc> out = new ArrayList<>();
    for (int i = 0; i < doc.eventWebhooks().size(); i++) {
      EventWebhookDoc h = doc.eventWebhooks().get(i);
      String stored = before == null ? null : hookSecret(before, h.id());
      String sealed =
          h.secret() == null ? stored : box.seal(h.secret(), hookPlace(doc.id(), h.id()));
      if (sealed == null) {
        throw new InvalidSetting(
            "eventWebhooks[" + i + "].secret", "is required for a new webhook");
      }
      out.add(h.withSecret(sealed));
    }
    return out;
  }

  /** The event webhook {@code hookId}'s secret in {@code d}, or null. */
  private static String hookSecret(SiteDoc d, String hookId) {
    if (d.eventWebhooks() == null) {
      return null;
    }
    return d.eventWebhooks().stream()
        .filter(h -> h.id().equals(hookId))
        .map(EventWebhookDoc::secret)
        .findFirst()
        .orElse(null);
  }

  private static String hookPlace(String site, String hook) {
    return place(site, "eventWebhooks/" + hook + "/secret");
  }

  private static String place(String site, String field) {
    return "site/" + site + "/" + field;
  }
}
