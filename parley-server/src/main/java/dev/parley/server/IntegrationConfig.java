package dev.parley.server;

import dev.parley.bots.LlmBot;
import dev.parley.bots.SmtpSettings;
import dev.parley.bots.WebhookBot;
import dev.parley.bots.WebhookDispatcher;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The part of a {@link ServerConfig} that Parley talks to outside itself: the demo site's bot
 * (knowledge base, LLM, webhook), knowledge limits, event webhooks and away mail ({@link
 * IntegrationSettings}). Immutable; built by {@link IntegrationConfigBuilder}.
 *
 * @param bot {@code kb} (knowledge base, the default), {@code llm} or {@code webhook} for the demo
 *     site
 * @param botPacing pause between the chunks of a streamed knowledge-base answer
 * @param kbDir folder of Markdown files for the demo site's knowledge base; null: the built-in one
 * @param knowledgeMaxUpload the largest knowledge document an admin may upload, in bytes
 * @param knowledgeMaxDocuments the most knowledge documents one site may hold
 * @param knowledgeFetchPrivate whether a knowledge fetch may reach private and loopback addresses
 * @param llm the LLM bot's settings (used when {@code bot} is {@code llm})
 * @param webhook the webhook bot's settings (used when {@code bot} is {@code webhook})
 * @param eventQueue event webhook deliveries waiting to be stored at most (beyond: dropped)
 * @param eventDelivery how event webhook deliveries are sent, retried and kept in the log
 * @param smtp where away mail goes ({@link SmtpSettings#enabled()}: off without a host)
 */
public record IntegrationConfig(
    String bot,
    Duration botPacing,
    Path kbDir,
    int knowledgeMaxUpload,
    int knowledgeMaxDocuments,
    boolean knowledgeFetchPrivate,
    LlmBot.Config llm,
    WebhookBot.Config webhook,
    int eventQueue,
    WebhookDispatcher.Config eventDelivery,
    SmtpSettings smtp) {}
