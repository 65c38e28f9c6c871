package dev.parley.chat;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Durable chat conversations: the {@code ChatStore} port. Messages themselves live in the core's
 * {@code MessageStore}; this holds who a conversation belongs to and its status.
 *
 * <h2>Guarantees (held by {@code ChatStoreContract})</h2>
 *
 * <ul>
 *   <li>At most one open (not resolved) conversation per (site, visitor), even when two nodes ask
 *       at once.
 *   <li>{@link #transition} and {@link #reassign} are compare-and-set: they change a conversation
 *       only from the expected state, so two nodes cannot both make the same move; each change
 *       raises the conversation's {@code version} by one.
 * </ul>
 *
 * <p>Thread-safe; never blocks the caller (futures complete on a store thread).
 */
public interface ChatStore extends AutoCloseable {

  /**
   * The visitor's open conversation on the site, creating one (status {@code bot}, id {@code
   * newId}) if there is none. {@code created} tells which.
   */
  CompletableFuture<Opened> open(String site, String visitor, String newId, long nowMillis);

  /** The result of {@link #open}. */
  record Opened(ChatConversation conversation, boolean created) {}

  /** The visitor's most recently opened conversation on {@code site} (open or resolved), if any. */
  CompletableFuture<Optional<ChatConversation>> latest(String site, String visitor);

  /** The conversation with this id, if any. */
  CompletableFuture<Optional<ChatConversation>> find(String id);

  /**
   * Conversations of {@code site} with {@code status}, longest waiting (least recently moved)
   * first.
   */
  CompletableFuture<List<ChatConversation>> list(String site, ConversationStatus status);

  /**
   * Hands an assigned conversation from {@code fromAgent} to {@code toAgent}. Completes with the
   * changed conversation, or empty if it is not assigned to {@code fromAgent} (any more).
   */
  CompletableFuture<Optional<ChatConversation>> reassign(
      String id, String fromAgent, String toAgent, long nowMillis);

  /**
   * Moves {@code id} from {@code from} to {@code to} with {@code agent} (null for none). Completes
   * with the changed conversation, or empty if its status was not {@code from}.
   */
  CompletableFuture<Optional<ChatConversation>> transition(
      String id, ConversationStatus from, ConversationStatus to, String agent, long nowMillis);

  /**
   * When {@code user}'s agent tokens start to count: tokens issued before it were revoked (a
   * logout, a password change); 0 when none ever were.
   */
  CompletableFuture<Long> agentTokensNotBefore(String user);

  /**
   * Revokes every agent token of {@code user} issued before {@code nowMillis} (it never moves
   * back).
   */
  CompletableFuture<Void> revokeAgentTokens(String user, long nowMillis);

  /**
   * Sets the labels of conversation {@code id} to {@code labels} (already checked: sorted,
   * distinct, at most 10), raising its version and leaving its {@code updatedAtMillis}. Completes
   * with the changed conversation, or empty if there is none.
   */
  CompletableFuture<Optional<ChatConversation>> label(String id, List<String> labels);

  /** Keeps {@code rating} for its conversation, replacing an earlier one. */
  CompletableFuture<Void> rate(Rating rating);

  /** The rating of conversation {@code id}, if its visitor gave one. */
  CompletableFuture<Optional<Rating>> ratingOf(String id);

  /** How many good and bad ratings {@code site} got from {@code fromMillis} (inclusive) on. */
  CompletableFuture<Rating.Counts> ratingCounts(String site, long fromMillis);

  /** Every conversation of {@code visitor} on {@code site}, oldest first. */
  CompletableFuture<List<ChatConversation>> ofVisitor(String site, String visitor);

  /**
   * Forgets who conversation {@code id} belonged to: its visitor becomes {@link #erasedVisitor} of
   * it (its version rises) and its rating loses its comment. Completes with true if it exists.
   */
  CompletableFuture<Boolean> forgetVisitor(String id);

  /** The visitor an erased conversation is left with: {@code erased:} and the conversation id. */
  static String erasedVisitor(String id) {
    return "erased:" + id;
  }

  /**
   * Deletes resolved conversation {@code id}: its rating goes, and its record stays as an anonymous
   * tombstone — owner {@link #deletedVisitor}, no agent, no labels, version raised — so its id is
   * never handed out again (a new conversation under it would start again at seq 1 while clients
   * still hold positions in the old one). Compare-and-set: nothing happens to a conversation that
   * is not resolved (reopened meanwhile) or already deleted. Completes with whether it changed one.
   */
  CompletableFuture<Boolean> delete(String id);

  /** The owner a deleted conversation's tombstone is left with: {@code deleted:} and its id. */
  static String deletedVisitor(String id) {
    return "deleted:" + id;
  }

  /**
   * At most {@code limit} resolved conversations of {@code site} resolved (last moved) before
   * {@code beforeMillis}, least recently moved first: what a retention period lets go.
   */
  CompletableFuture<List<ChatConversation>> resolvedBefore(
      String site, long beforeMillis, int limit);

  /** The canned responses of {@code site}, by shortcut. */
  CompletableFuture<List<CannedResponse>> cannedResponses(String site);

  /**
   * Creates or replaces {@code r} (by site and shortcut), unless that makes more than {@code
   * maxPerSite} of its site: atomic per site, so two nodes cannot both take the last place.
   */
  CompletableFuture<CannedResponse.Saved> saveCanned(CannedResponse r, int maxPerSite);

  /** Deletes the canned response; completes with whether there was one. */
  CompletableFuture<Boolean> deleteCanned(String site, String shortcut);

  @Override
  void close();
}
