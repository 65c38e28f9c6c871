package dev.parley.chat;

import dev.parley.core.AppendRequest;
import dev.parley.core.BrokerEvent;
import dev.parley.core.KeyedBuckets;
import dev.parley.core.Node;
import dev.parley.core.Principal;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.ProtocolException;
import dev.parley.protocol.chat.ChatEvent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When a visitor's conversation comes to be: at its first message, its first explicit request
 * (asking for a person) or its first file upload ({@link ConversationFiles#uploadTarget}), never at
 * {@code hello} — a crawler that loads the widget makes none.
 *
 * <p>Until then a visitor is given the id its next conversation will have, derived from the site,
 * the visitor and its previous conversation there ({@link #nextId}), so every connection and every
 * node names it alike and the visitor's client can join it, resume it and send to it. The greeting
 * is shown at once as an answer the conversation's snapshot carries ({@code start}, the text,
 * {@code end}), keyed by the id the stored greeting takes when the conversation is created — first,
 * before the message that created it — so a client shows it once.
 *
 * <p>A client address may open only so many conversations (a burst, then one every few seconds) and
 * a site only so many a second ({@link ChatConfig}): beyond, the request that would create one gets
 * {@code rate_limited} with a retry hint, and nothing is stored.
 *
 * <p>Thread-safe: the creations in progress are a concurrent map, the limits are synchronised;
 * everything else is asynchronous.
 */
final class ConversationOpener {
  /** How long an unstored greeting stays in the conversation's snapshot. */
  private static final Duration GREETING_TTL = Duration.ofHours(1);

  /** The state key of an unstored greeting. */
  private static final String GREETING_STATE = "greeting";

  private final Node node;
  private final Directory directory;
  private final Conversations conversations;
  private final EventFeed feed;

  /** New conversations per client address and per site (on this node). */
  private final KeyedBuckets perAddress;

  private final KeyedBuckets perSite;

  /** Creations in progress on this node, by conversation id. */
  private final ConcurrentHashMap<String, CompletableFuture<ChatConversation>> creating =
      new ConcurrentHashMap<>();

  ConversationOpener(
      Node node,
      Directory directory,
      Conversations conversations,
      ChatConfig config,
      EventFeed feed) {
    this.node = node;
    this.feed = feed;
    this.directory = directory;
    this.conversations = conversations;
    this.perAddress =
        new KeyedBuckets(
            node.clock(),
            1.0 / Math.max(0.001, config.newConversationEvery().toMillis() / 1000.0),
            config.newConversations(),
            100_000);
    this.perSite =
        new KeyedBuckets(
            node.clock(),
            config.newConversationsPerSitePerSecond(),
            (int) Math.max(1, config.newConversationsPerSitePerSecond() * 10),
            10_000);
  }

  /**
   * The visitor's open conversation on {@code site}, or else the id its next one will have.
   *
   * @param open the open conversation, or null
   * @param nextId when none is open, the id the next one will have; null otherwise
   */
  record Opening(ChatConversation open, String nextId) {}

  /** How many taken ids (an erased visitor's conversations) the next id skips at most. */
  static final int MAX_TAKEN_HOPS = 1000;

  CompletableFuture<Opening> opening(String site, String visitor) {
    return conversations
        .latest(site, visitor)
        .thenCompose(
            latest -> {
              if (latest.isPresent() && latest.get().status() != ConversationStatus.RESOLVED) {
                return CompletableFuture.completedFuture(new Opening(latest.get(), null));
              }
              if (latest.isPresent()) {
                // The chain goes on from the visitor's own latest id: never an erased one's.
                return CompletableFuture.completedFuture(
                    new Opening(null, nextId(site, visitor, latest.get().id())));
              }
              return free(site, visitor, nextId(site, visitor, ""), 0)
                  .thenApply(id -> new Opening(null, id));
            });
  }

  /**
   * {@code id}, or the first id after it in the visitor's chain that no conversation has: an erased
   * visitor's conversations keep their ids under another owner ({@link ChatStore#forgetVisitor}),
   * so a visitor with the same id who comes back (it has no conversation of its own then) must not
   * be handed one of them. One cached read for a visitor's first conversation.
   */
  private CompletableFuture<String> free(String site, String visitor, String id, int hops) {
    if (hops >= MAX_TAKEN_HOPS) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("no free conversation id for a visitor of " + site));
    }
    return conversations
        .find(id)
        .thenCompose(
            taken ->
                taken.isEmpty()
                    ? CompletableFuture.completedFuture(id)
                    : free(site, visitor, nextId(site, visitor, id), hops + 1));
  }

  /**
   * Whether {@code conv} is the open or the next conversation of {@code p} (a visitor placed on a
   * site): the open one when another request of the visitor has just created it.
   */
  CompletableFuture<Boolean> isNextOf(Principal p, String conv) {
    String site = ChatIdentity.site(p);
    if (!ChatIdentity.isVisitor(p) || site == null || directory.site(site) == null) {
      return CompletableFuture.completedFuture(false);
    }
    return opening(site, p.user())
        .thenApply(
            o -> conv.equals(o.nextId()) || (o.open() != null && conv.equals(o.open().id())));
  }

  /**
   * Shows the greeting of a conversation that does not exist yet, in the visitor's language {@code
   * lang} (null: unknown; {@link Site#greeting(String)}): kept in {@code conv}'s snapshot, so the
   * visitor's session gets it right after it joins.
   */
  void showGreeting(Site site, String lang, String conv) {
    String id = greetingId(conv);
    String greeting = site.greeting(lang);
    String key = GREETING_STATE;
    long ttl = GREETING_TTL.toMillis();
    node.publish(
        conv,
        BrokerEvent.ephemeral(
            BotTurns.BOT_USER,
            key,
            ttl,
            node.encode(new ChatEvent.Answer(conv, id, "start", null, null, null))));
    node.publish(
        conv,
        BrokerEvent.ephemeralAppending(
            BotTurns.BOT_USER,
            key,
            ttl,
            node.encode(new ChatEvent.Answer(conv, id, "delta", greeting, 0, null))));
    node.publish(
        conv,
        BrokerEvent.ephemeralAppending(
            BotTurns.BOT_USER,
            key,
            ttl,
            node.encode(
                new ChatEvent.Answer(conv, id, "end", null, greeting.length(), "complete"))));
  }

  /**
   * Creates {@code conv} for visitor {@code p}, whose next conversation it must be: the row, then
   * the greeting as its first message (with the id and the language it was shown with). Completes
   * with the conversation; fails with {@code forbidden} when {@code conv} is not {@code p}'s to
   * create, which is checked before the new-conversation budgets are spent (another's id or a made
   * up one must not use up the address's).
   */
  CompletableFuture<ChatConversation> create(Principal p, String conv, String clientAddress) {
    // One creation per conversation at a time on this node: a request that comes while another
    // creates it (a handoff and a message at once) waits for it, greeting included.
    CompletableFuture<ChatConversation> running = creating.get(conv);
    if (running != null) {
      return running;
    }
    return isNextOf(p, conv)
        .thenCompose(
            next -> {
              if (!next) {
                return CompletableFuture.failedFuture(
                    new ProtocolException(ErrorCode.FORBIDDEN, "no conversation " + conv, "conv"));
              }
              return createWithinBudgets(p, conv, clientAddress);
            });
  }

  /** {@link #create} of {@code p}'s next conversation {@code conv}, once its budgets allow. */
  private CompletableFuture<ChatConversation> createWithinBudgets(
      Principal p, String conv, String clientAddress) {
    CompletableFuture<ChatConversation> running = creating.get(conv);
    if (running != null) {
      return running;
    }
    String site = ChatIdentity.site(p);
    if (!perAddress.take(clientAddress)) {
      return CompletableFuture.failedFuture(
          new ProtocolException(
                  ErrorCode.RATE_LIMITED,
                  "too many new conversations from your address; try again a little later",
                  null)
              .retryAfter(Math.max(1000, perAddress.millisUntilNext(clientAddress))));
    }
    if (!perSite.take(site)) {
      return CompletableFuture.failedFuture(
          new ProtocolException(
                  ErrorCode.RATE_LIMITED,
                  "this site gets too many new conversations just now; try again a little later",
                  null)
              .retryAfter(Math.max(1000, perSite.millisUntilNext(site))));
    }
    CompletableFuture<ChatConversation> made = creating.computeIfAbsent(conv, k -> createNow(p, k));
    made.whenComplete((c, err) -> creating.remove(conv, made));
    return made;
  }

  private CompletableFuture<ChatConversation> createNow(Principal p, String conv) {
    // Run as a stage, so that whatever it throws fails the creation, not the map's compute.
    return CompletableFuture.completedFuture(null)
        .thenCompose(
            started -> {
              Site site = directory.site(ChatIdentity.site(p));
              return conversations
                  .open(site.id(), p.user(), conv)
                  .thenCompose(
                      opened -> {
                        ChatConversation c = opened.conversation();
                        if (!opened.created()) {
                          return CompletableFuture.completedFuture(
                              c); // another connection of the visitor was first
                        }
                        feed.created(c);
                        return node.append(
                                new AppendRequest(
                                    c.id(),
                                    BotTurns.BOT_USER,
                                    null,
                                    "bot",
                                    site.greeting(ChatIdentity.lang(p)),
                                    node.clock().millis(),
                                    greetingId(c.id()),
                                    null))
                            .thenCompose(
                                a -> {
                                  feed.messageStored(c, a.message());
                                  // the stored greeting replaces the shown one
                                  return node.clearState(c.id(), GREETING_STATE);
                                })
                            .thenApply(v -> c);
                      });
            });
  }

  /** The id the greeting of {@code conv} is shown and stored with. */
  static String greetingId(String conv) {
    return "m_hi_" + conv.substring(ChatConversation.ID_PREFIX.length());
  }

  /**
   * The id of the conversation a visitor opens next on a site: the prefix and 16 bytes of SHA-256
   * of the site, the visitor and the previous conversation's id, base64url. Not a secret (who may
   * use it is decided by the visitor's identity), only stable.
   */
  static String nextId(String site, String visitor, String previousId) {
    try {
      byte[] h =
          MessageDigest.getInstance("SHA-256")
              .digest(
                  (site + "\u0000" + visitor + "\u0000" + previousId)
                      .getBytes(StandardCharsets.UTF_8));
      return ChatConversation.ID_PREFIX
          + Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(h, 16));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
