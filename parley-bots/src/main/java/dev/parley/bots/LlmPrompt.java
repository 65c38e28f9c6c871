package dev.parley.bots;

import dev.parley.chat.Bot;
import dev.parley.core.StoredMessage;
import dev.parley.protocol.MessageMeta;
import dev.parley.protocol.openai.ChatCompletions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the LLM bot sends its model: the system prompt (the site's own, or the built-in
 * instructions) with the passages found, then the conversation so far (the visitor's and agents'
 * messages as user turns, the bot's as assistant turns; system messages are for people), then the
 * question. A message's files are named in its text; the images of {@link ImageInputs} go along as
 * image parts of their message.
 *
 * <p>Stateless and thread-safe.
 */
final class LlmPrompt {
  private LlmPrompt() {}

  /**
   * The messages for {@code q}.
   *
   * @param systemPrompt the site's prompt, or null for the built-in instructions
   * @param images image parts by attachment id (empty: text alone)
   */
  static List<ChatCompletions.Message> messages(
      Bot.Question q,
      String systemPrompt,
      List<Knowledge.Hit> passages,
      Map<String, ChatCompletions.Image> images) {
    List<ChatCompletions.Message> out = new ArrayList<>();
    out.add(new ChatCompletions.Message("system", system(q, systemPrompt, passages)));
    for (StoredMessage m : q.history()) {
      switch (m.kind()) {
        // a voice note earlier in the conversation is its transcript, not an empty turn
        case "text" -> {
          List<MessageMeta.Attachment> files =
              m.meta() == null ? List.of() : m.meta().attachments();
          out.add(
              new ChatCompletions.Message(
                  "user", userText(m.text(), files), imagesOf(files, images)));
        }
        case "bot" -> out.add(new ChatCompletions.Message("assistant", m.text()));
        default -> {} // system messages are for people
      }
    }
    out.add(new ChatCompletions.Message("user", userText(q), imagesOf(q.attachments(), images)));
    return out;
  }

  private static List<ChatCompletions.Image> imagesOf(
      List<MessageMeta.Attachment> files, Map<String, ChatCompletions.Image> images) {
    if (images.isEmpty()) {
      return List.of();
    }
    List<ChatCompletions.Image> out = new ArrayList<>();
    for (MessageMeta.Attachment a : files) {
      ChatCompletions.Image i = images.get(a.id());
      if (i != null) {
        out.add(i);
      }
    }
    return out;
  }

  private static String system(Bot.Question q, String prompt, List<Knowledge.Hit> passages) {
    StringBuilder system = new StringBuilder();
    if (prompt != null) {
      system.append(prompt).append("\n\nContext:\n");
    } else {
      system
          .append("You are ")
          .append(q.site().botName())
          .append(", the assistant of ")
          .append(q.site().name())
          .append(
              ". Answer briefly, in the language of the visitor's question, and only from the context below. If ")
          .append(
              "the context does not answer the question, say you are not sure and offer to connect the visitor ")
          .append("with a human.\n\nContext:\n");
    }
    for (Knowledge.Hit h : passages) {
      Knowledge.Passage p = h.passage();
      system
          .append("## ")
          .append(p.title())
          .append(" (from \"")
          .append(p.document())
          .append("\")\n")
          .append(p.body())
          .append("\n\n");
    }
    return system.toString();
  }

  /**
   * The visitor's words, then a line naming each file the message carries: the model knows a file
   * was sent (a message of files only is not an empty question), and an image it is sent has its
   * name. A voice note's transcript is what the visitor said: the question itself when the message
   * has no text, else a line of its own.
   */
  static String userText(Bot.Question q) {
    return userText(q.text(), q.attachments());
  }

  /** {@link #userText(Bot.Question)} of a visitor's message: its text and its files. */
  static String userText(String text, List<MessageMeta.Attachment> attachments) {
    StringBuilder b = new StringBuilder(text);
    for (MessageMeta.Attachment a : attachments) {
      String said = a.transcript() == null || a.transcript().isBlank() ? null : a.transcript();
      if (said != null && b.isEmpty()) {
        b.append(said);
        continue;
      }
      if (!b.isEmpty()) {
        b.append('\n');
      }
      if (said != null) {
        b.append("[the visitor sent a voice message: ").append(said).append(']');
        continue;
      }
      b.append("[the visitor attached a file: ")
          .append(a.name())
          .append(", ")
          .append(a.type())
          .append(']');
    }
    return b.toString();
  }
}
