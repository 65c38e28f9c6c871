package dev.parley.chat;

import dev.parley.core.StoredMessage;
import dev.parley.protocol.MessageMeta;
import java.util.List;

/**
 * Something that answers a visitor: the {@code Bot} port. Implementations live in {@code
 * parley-bots}: the knowledge-base bot, the LLM bot and the webhook bot.
 *
 * <p>{@link #answer} runs on a virtual thread of its own and may block (search, HTTP). It streams
 * the answer into the sink as it forms; the turn around it ({@link BotTurns}) publishes the pieces,
 * stores the final text, and refuses pieces that come after the answer was stopped.
 */
public interface Bot {

  /** Answers {@code question}, streaming into {@code sink}; returns when done. */
  Result answer(Question question, AnswerSink sink) throws Exception;

  /**
   * What the bot is asked.
   *
   * @param text the visitor's message; empty when it carries only attachments
   * @param history the conversation so far, oldest first (may be empty)
   * @param lang the visitor's language tag ({@code hello.lang}), or null: the language of the bot's
   *     own fallback texts ({@link ChatTexts})
   * @param attachments the files the message carries (docs/PROTOCOL.md#attachments), empty when
   *     none
   */
  record Question(
      Site site,
      String conversation,
      String text,
      List<StoredMessage> history,
      String lang,
      List<MessageMeta.Attachment> attachments) {
    public Question {
      attachments = attachments == null ? List.of() : List.copyOf(attachments);
    }

    /**
     * What the visitor said: the text, or for a message without text the transcripts of the voice
     * notes it carries, one per line (a visitor may ask by voice); empty when there is neither.
     */
    public String said() {
      if (!text.isBlank()) {
        return text;
      }
      StringBuilder b = new StringBuilder();
      for (MessageMeta.Attachment a : attachments) {
        if (a.transcript() != null && !a.transcript().isBlank()) {
          b.append(b.isEmpty() ? "" : "\n").append(a.transcript());
        }
      }
      return b.toString();
    }

    /** A question without attachments. */
    public Question(
        Site site, String conversation, String text, List<StoredMessage> history, String lang) {
      this(site, conversation, text, history, lang, List.of());
    }

    /** A question from a visitor of unknown language. */
    public Question(Site site, String conversation, String text, List<StoredMessage> history) {
      this(site, conversation, text, history, null);
    }
  }

  /**
   * How the answer went.
   *
   * @param confidence 0..1, how sure the bot was
   * @param offerHuman the bot suggested talking to a human (low confidence, or it was asked to)
   */
  record Result(double confidence, boolean offerHuman) {}

  /** Where an answer streams to. Thread-safe. */
  interface AnswerSink {
    /** Appends a piece of the answer; false if the answer was stopped (stop producing). */
    boolean delta(String text);

    /** Whether the answer was stopped or interrupted; a bot should stop working then. */
    boolean cancelled();

    /**
     * What the answer cites (its sources), or null for nothing: stored with the answer's final
     * message as its {@code meta} (docs/PROTOCOL.md#message-meta). A later call replaces an earlier
     * one; a call after the answer ended changes nothing.
     */
    void cite(MessageMeta meta);
  }
}
