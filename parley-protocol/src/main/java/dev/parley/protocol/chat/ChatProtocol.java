package dev.parley.protocol.chat;

import dev.parley.protocol.Codec;
import dev.parley.protocol.Command;
import dev.parley.protocol.Fields;
import java.util.regex.Pattern;

/**
 * Registers the chat product's wire types with a {@link Codec}: its commands, its events, and the
 * checks of the fields it adds to the core's {@code hello} ({@code site}, {@code lang}). Servers
 * and SDKs that speak chat build their codec with {@code
 * Codec.builder().with(ChatProtocol::register).build()}.
 */
public final class ChatProtocol {
  /** The {@code hello} field that names the site whose widget this is. */
  public static final String SITE = "site";

  /** The {@code hello} field that names the visitor's language, a tag such as {@code de-AT}. */
  public static final String LANG = "lang";

  /** A language tag as {@code hello.lang} takes it: a primary language and up to three subtags. */
  public static final Pattern LANGUAGE_TAG =
      Pattern.compile("[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}");

  /**
   * What a chat conversation's id is followed by to name its internal notes, the staff-only
   * companion stream ({@code docs/PROTOCOL.md#internal-notes}).
   */
  public static final String NOTES_SUFFIX = ":notes";

  private ChatProtocol() {}

  /** The notes stream of chat conversation {@code conv}. */
  public static String notesOf(String conv) {
    return conv + NOTES_SUFFIX;
  }

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
        .command("contact", ChatCommand.Contact.class)
        .command("transcript", ChatCommand.Transcript.class)
        .command("label", ChatCommand.Label.class)
        .command("context", ChatCommand.Context.class)
        .command("prechat", ChatCommand.Prechat.class)
        .event("conversation", ChatEvent.Conversation.class)
        .event("answer", ChatEvent.Answer.class)
        .event("mail", ChatEvent.Mail.class)
        .event("prechat", ChatEvent.Prechat.class)
        .check(Command.Hello.class, ChatProtocol::checkSite)
        .check(Command.Hello.class, ChatProtocol::checkLang);
  }

  /** A codec of the core's and the chat's types. */
  public static Codec codec() {
    return Codec.builder().with(ChatProtocol::register).build();
  }

  private static void checkLang(Command.Hello hello) {
    Object lang = hello.options().get(LANG);
    if (lang == null) {
      return;
    }
    if (!(lang instanceof String s) || !LANGUAGE_TAG.matcher(s).matches()) {
      throw Fields.invalid(LANG, "must be a language tag such as en or de-AT");
    }
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
