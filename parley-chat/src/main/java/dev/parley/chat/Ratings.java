package dev.parley.chat;

import dev.parley.core.Node;
import dev.parley.core.Principal;
import dev.parley.core.Session;
import dev.parley.core.SessionLoop;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.ProtocolException;
import dev.parley.protocol.chat.ChatCommand;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Visitors' ratings of resolved conversations ({@code rate}): only the conversation's visitor
 * rates, only once it is resolved; the rating is stored ({@link ChatStore#rate}, rating again
 * replaces it) and then announced — to the visitor's sessions and to the site's agents — as the
 * conversation's {@code conversation} event with {@code rating} and {@code ratingComment}, and to
 * integrations as {@code conversation.rated}. Reports count ratings from the store ({@link
 * #counts}), so the figures hold across restarts and nodes.
 *
 * <p>Thread-safe: no state of its own. {@link #rateCommand} runs on the session's event loop and
 * only starts asynchronous work; its answer comes back through {@link Session#loop()}.
 */
public final class Ratings {
  private static final SessionLoop.OnFailure STORE =
      new SessionLoop.OnFailure(ErrorCode.STORE_UNAVAILABLE, "try again");

  /**
   * The shortest time between two ratings of one conversation: each is a write, an event to the
   * site's agents and one to each of its webhooks, so a looping visitor is refused ({@code
   * rate_limited}).
   */
  static final Duration MIN_GAP = Duration.ofSeconds(10);

  private final Node node;
  private final ChatStore store;
  private final Conversations conversations;
  private final ConversationLifecycle lifecycle;

  Ratings(
      Node node, ChatStore store, Conversations conversations, ConversationLifecycle lifecycle) {
    this.node = node;
    this.store = store;
    this.conversations = conversations;
    this.lifecycle = lifecycle;
  }

  /** {@code rate}: the visitor rates its resolved conversation. */
  void rateCommand(Session session, ChatCommand.Rate r) {
    Principal p = session.principal();
    CompletableFuture<Optional<ChatConversation>> found =
        ChatConversation.isChat(r.conv())
            ? conversations.find(r.conv())
            : CompletableFuture.completedFuture(Optional.empty());
    CompletableFuture<ChatConversation> rated =
        found.thenCompose(
            c -> {
              if (c.isEmpty() || !ChatAccess.isVisitorOf(p, c.get())) {
                throw new ProtocolException(
                    ErrorCode.FORBIDDEN, "only the conversation's visitor rates it", "conv");
              }
              if (c.get().status() != ConversationStatus.RESOLVED) {
                throw new ProtocolException(
                    ErrorCode.INVALID_FIELD,
                    "the conversation is " + c.get().status().wire() + ", not resolved",
                    "conv");
              }
              String comment = r.comment() == null || r.comment().isBlank() ? null : r.comment();
              Rating rating =
                  new Rating(
                      c.get().id(),
                      c.get().site(),
                      r.rating().equals("good"),
                      comment,
                      node.clock().millis());
              long now = node.clock().millis();
              return store
                  .ratingOf(rating.conversation())
                  .thenCompose(
                      earlier -> {
                        if (earlier.isPresent()
                            && now - earlier.get().ratedAtMillis() < MIN_GAP.toMillis()) {
                          throw new ProtocolException(
                              ErrorCode.RATE_LIMITED,
                              "this conversation was rated a moment ago; rate again in "
                                  + MIN_GAP.toSeconds()
                                  + " s",
                              "conv");
                        }
                        return store.rate(rating).thenApply(v -> announce(c.get(), rating));
                      });
            });
    session.loop().then(rated, r, STORE, c -> {});
  }

  private ChatConversation announce(ChatConversation c, Rating rating) {
    lifecycle.feed().rated(c, rating); // before the sessions hear of it: they may act on it
    lifecycle.publishRated(c, rating);
    return c;
  }

  /** The good and bad ratings of {@code site} from {@code fromMillis} on, from the store. */
  public CompletableFuture<Rating.Counts> counts(String site, long fromMillis) {
    return store.ratingCounts(site, fromMillis);
  }
}
