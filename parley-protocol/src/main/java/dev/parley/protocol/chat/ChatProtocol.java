package dev.parley.protocol.chat;

import dev.parley.protocol.Codec;
import dev.parley.protocol.Command;
import dev.parley.protocol.Fields;

/**
 * Registers the chat product's wire types with a {@link Codec}: its commands, its events, and the
 * check of the one field it adds to the core's {@code hello} ({@code site}). Servers and SDKs that
 * speak chat build their codec with {@code Codec.builder().with(ChatProtocol::register).build()}.
 */
public final class ChatProtocol {
  /** The {@code hello} field that names the site whose widget this is. */
  public static final String SITE = "site";

  private ChatProtocol() {}

  /** Adds the chat types to {@code codec}. */
  public static void register(Codec.Builder codec) {
    codec
        .command("stop", ChatCommand.Stop.class)
        .command("handoff", ChatCommand.Handoff.class)
        .command("accept", ChatCommand.Accept.class)
        .command("transfer", ChatCommand.Transfer.class)
        .command("resolve", ChatCommand.Resolve.class)
        .command("back_to_bot", ChatCommand.BackToBot.class)
        .command("rate", ChatCommand.Rate.class)
        .event("conversation", ChatEvent.Conversation.class)
        .event("answer", ChatEvent.Answer.class)
        .check(Command.Hello.class, ChatProtocol::checkSite);
  }

  /** A codec of the core's and the chat's types. */
  public static Codec codec() {
    return Codec.builder().with(ChatProtocol::register).build();
  }

  private static void checkSite(Command.Hello hello) {
    Object site = hello.options().get(SITE);
    if (site == null) {
      return;
    }
    if (!(site instanceof String s)) {
      throw Fields.invalid(SITE, "must be a string");
    }
    if (!Fields.CONVERSATION_ID.matcher(s).matches()) {
      throw Fields.invalid(SITE, "must be 1-64 characters of A-Z a-z 0-9 _ . : -");
    }
  }
}
