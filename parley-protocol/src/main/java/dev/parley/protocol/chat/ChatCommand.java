package dev.parley.protocol.chat;

import dev.parley.protocol.Command;
import dev.parley.protocol.Fields;

/**
 * The chat product's commands (see {@code docs/PROTOCOL.md#chat-commands}), registered with the
 * codec by {@link ChatProtocol}. Immutable records; {@link #validate()} checks fields like the
 * core's commands do.
 */
public interface ChatCommand extends Command {

  /** Stop a bot answer while it streams: what was said so far is kept, marked {@code stopped}. */
  record Stop(String ref, String conv, String answer) implements ChatCommand {
    @Override
    public void validate() {
      Fields.optionalRef(ref);
      Fields.conversation("conv", conv);
      Fields.id("answer", answer);
    }
  }

  /** Visitor: ask for a human agent (the "Talk to a human" button). */
  record Handoff(String ref, String conv) implements ChatCommand {
    @Override
    public void validate() {
      Fields.optionalRef(ref);
      Fields.conversation("conv", conv);
    }
  }

  /** Agent: take a queued conversation (or one from the bot). */
  record Accept(String ref, String conv) implements ChatCommand {
    @Override
    public void validate() {
      Fields.optionalRef(ref);
      Fields.conversation("conv", conv);
    }
  }

  /** Agent: hand an assigned conversation to another agent of the site. */
  record Transfer(String ref, String conv, String to) implements ChatCommand {
    @Override
    public void validate() {
      Fields.optionalRef(ref);
      Fields.conversation("conv", conv);
      Fields.id("to", to);
    }
  }

  /** Agent: close a conversation; a new visitor message reopens it with the bot. */
  record Resolve(String ref, String conv) implements ChatCommand {
    @Override
    public void validate() {
      Fields.optionalRef(ref);
      Fields.conversation("conv", conv);
    }
  }

  /**
   * Back to the bot: a queued visitor leaves the queue, or the assigned agent hands the
   * conversation back.
   */
  record BackToBot(String ref, String conv) implements ChatCommand {
    @Override
    public void validate() {
      Fields.optionalRef(ref);
      Fields.conversation("conv", conv);
    }
  }
}
