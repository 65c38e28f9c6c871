package dev.parley.chat;

import dev.parley.core.AppendRequest;
import dev.parley.core.BrokerEvent;
import dev.parley.core.Node;
import dev.parley.protocol.chat.ChatEvent;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The status machine of chat conversations ({@link ConversationStatus}): each move is a
 * compare-and-set through {@link Conversations}, announced once to the visitor (a {@code
 * conversation} event on the conversation, for the visitor's sessions only) and once to the site's
 * agents (on {@code agents:<site>}) — each event carrying everything the move implies, a queued
 * visitor's place and wait included — and recorded as a system message that every participant sees
 * in seq order; each move is also an integration event ({@link EventFeed}), told before the system
 * message is stored.
 *
 * <p>Also keeps the visitor's latest mood per conversation (this node's view), which the agents'
 * view of a conversation carries.
 *
 * <p>Each conversation's announcements run one after another, in the order of its moves on this
 * node ({@link ConversationTurns}; the agents' view told again for a new mood or labels takes its
 * turn among them, {@link #publishToAgents}, and so does a rating's, {@link #publishRated}): a
 * move's place in the queue and its visitor's language are looked up asynchronously, so without the
 * turns a later move (assigned) could be told and noted before an earlier one (queued), and the
 * visitor be left seeing the wrong status. The wait for the earlier moves is bounded ({@link
 * ConversationTurns#TURN_WAIT}): an announcement held by a store or shared state that never answers
 * holds its conversation's later moves that long, not for ever; once a later move is told, the
 * earlier one tells nothing more when its step answers (a note whose append was already asked for
 * is the store's, and lands when it does). A system note is never left in a conversation deleted
 * meanwhile ({@link #note}).
 *
 * <p>Thread-safe: the mood's {@link ConversationMemo} and the turns' own; moves complete on store
 * threads. Never blocks.
 */
final class ConversationLifecycle {
  /** Conversations' events for a site's agents go to this topic prefix. */
  static final String AGENTS_TOPIC = "agents:";

  /** The user id system messages and events carry. */
  static final String SYSTEM_USER = "system";

  private static final Logger log = LoggerFactory.getLogger(ConversationLifecycle.class);

  private final Node node;
  private final Conversations conversations;
  private final Directory directory;
  private final QueuePlaces places;
  private final EventFeed feed;
  private final VisitorLanguages languages;

  /** The visitor's latest mood, per conversation (this node's view). */
  private final ConversationMemo<Double> mood = new ConversationMemo<>();

  /** The order in which each conversation's moves are told. */
  private final ConversationTurns turns;

  ConversationLifecycle(
      Node node,
      Conversations conversations,
      Directory directory,
      QueuePlaces places,
      EventFeed feed,
      VisitorLanguages languages) {
    this.node = node;
    this.turns = new ConversationTurns(node.clock());
    this.languages = languages;
    this.feed = feed;
    this.conversations = conversations;
    this.directory = directory;
    this.places = places;
  }

  /**
   * Moves {@code c} from {@code from} to {@code to} with {@code agent}, stores {@code systemText}
   * and tells the visitor and the agents. Completes with the moved conversation, or empty if its
   * status was no longer {@code from} (or the move is not allowed).
   */
  CompletableFuture<Optional<ChatConversation>> move(
      ChatConversation c,
      ConversationStatus from,
      ConversationStatus to,
      String agent,
      VisitorLanguages.Localized systemText) {
    if (!from.canMoveTo(to)) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    return inTurn(c.id(), () -> conversations.transition(c, from, to, agent), systemText);
  }

  /** Hands {@code c} from {@code from} to {@code to}, announced like a move. */
  CompletableFuture<Optional<ChatConversation>> reassign(
      ChatConversation c, Agent from, Agent to, VisitorLanguages.Localized systemText) {
    return inTurn(c.id(), () -> conversations.reassign(c, from.user(), to.user()), systemText);
  }

  /**
   * Makes {@code change} of conversation {@code id} (a compare-and-set: the moved row, or empty if
   * it lost) and announces it in its turn: integration event, status events, then {@code
   * systemText} in the visitor's language, once the announcements of the conversation's earlier
   * moves on this node have finished (failed or not). The turn is taken before the compare-and-set
   * is asked for, so the turns' order is the moves' (a move is asked for only once the state it
   * moves from is visible, that is, after the move before it). A lost change takes its turn and
   * announces nothing. Completes when the announcement did.
   */
  private CompletableFuture<Optional<ChatConversation>> inTurn(
      String id,
      Supplier<CompletableFuture<Optional<ChatConversation>>> change,
      VisitorLanguages.Localized systemText) {
    ConversationTurns.Turn mine = turns.take(id);
    CompletableFuture<Optional<ChatConversation>> moved;
    try {
      moved = change.get();
    } catch (RuntimeException e) {
      moved = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<Optional<ChatConversation>> result = moved;
    turns
        .ready(mine)
        .thenCompose(v -> result)
        .thenCompose(
            m -> {
              if (m.isEmpty() || turns.stale(mine, "integration event")) {
                return CompletableFuture.completedFuture(null);
              }
              turns.told(mine); // earlier moves still going tell no more
              feed.moved(m.get());
              return announce(m.get(), systemText, mine);
            })
        .whenComplete((v, e) -> turns.finish(mine, e));
    return mine.done().thenCompose(v -> result);
  }

  /**
   * Tells the visitor and the agents where {@code c} stands (with its place when it is queued),
   * then stores {@code systemText} in the visitor's language.
   */
  private CompletableFuture<Void> announce(
      ChatConversation c, VisitorLanguages.Localized systemText, ConversationTurns.Turn turn) {
    CompletableFuture<QueuePlaces.Place> place;
    if (c.status() == ConversationStatus.QUEUED) {
      place = places.placeOf(c).exceptionally(e -> null);
    } else {
      places.forget(c.id());
      place = CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> told =
        place.thenAccept(
            p -> {
              if (turns.stale(turn, "status")) {
                return;
              }
              if (p != null) {
                places.announce(c.id(), p);
              }
              publish(c, p);
            });
    return told.thenCompose(v -> languages.say(c.visitor(), systemText))
        .thenCompose(
            text ->
                turns.stale(turn, "system note")
                    ? CompletableFuture.completedFuture(null)
                    : note(c.id(), text));
  }

  /**
   * Stores system note {@code text} in conversation {@code id}, unless the conversation was deleted
   * meanwhile. Checked before the append (the cached row) and again after it, whatever the append's
   * outcome (the stored row: a failed publish may follow a stored note). A delete ({@link
   * DataProtection#deleteConversation}) commits the tombstone before it deletes the messages, so a
   * note appended before the second check found no tombstone is removed by the delete, and one the
   * check finds in a tombstone is removed here. Holds on any node. A check that fails counts as not
   * deleted (the note is kept, as before there were checks).
   */
  private CompletableFuture<Void> note(String id, String text) {
    return deleted(conversations.find(id))
        .thenCompose(gone -> gone ? CompletableFuture.completedFuture(null) : append(id, text));
  }

  /**
   * Appends note {@code text}, then removes it if it landed in a tombstone; the append's outcome.
   */
  private CompletableFuture<Void> append(String id, String text) {
    AppendRequest request =
        new AppendRequest(id, SYSTEM_USER, null, "system", text, node.clock().millis());
    return node.append(request)
        .handle((appended, failed) -> failed)
        .thenCompose(failed -> removeIfInTombstone(id).thenCompose(removed -> outcome(failed)));
  }

  /** Deletes {@code id}'s messages if its stored row is a tombstone (a delete raced the note). */
  private CompletableFuture<Integer> removeIfInTombstone(String id) {
    return deleted(conversations.stored(id))
        .thenCompose(
            inTombstone ->
                inTombstone
                    ? node.store().deleteConversation(id)
                    : CompletableFuture.completedFuture(0));
  }

  /** Completed if {@code failed} is null, else failed with it. */
  private static CompletableFuture<Void> outcome(Throwable failed) {
    return failed == null
        ? CompletableFuture.completedFuture(null)
        : CompletableFuture.failedFuture(failed);
  }

  /** Whether {@code row} is the tombstone of a deleted conversation; false if it failed. */
  private static CompletableFuture<Boolean> deleted(
      CompletableFuture<Optional<ChatConversation>> row) {
    return row.handle((c, err) -> err == null && c.isPresent() && c.get().deleted());
  }

  /** Publishes {@code c}'s state once to its visitor and once to its site's agents. */
  void publish(ChatConversation c, QueuePlaces.Place place) {
    node.publish(c.id(), BrokerEvent.forUser(c.visitor(), node.encode(visitorView(c, place))));
    node.publish(
        AGENTS_TOPIC + c.site(),
        BrokerEvent.ephemeral(SYSTEM_USER, null, 0, node.encode(agentView(c, place))));
  }

  /**
   * The {@code conversation} event a visitor sees: status, the agent's name, its place in the
   * queue.
   */
  ChatEvent.Conversation visitorView(ChatConversation c, QueuePlaces.Place place) {
    Agent a = directory.agent(c.agent());
    return new ChatEvent.Conversation(
        c.id(),
        c.site(),
        c.status().wire(),
        a == null ? null : a.name(),
        null,
        null,
        place == null ? null : place.position(),
        place == null ? null : place.waitSeconds(),
        null,
        place == null ? null : place.note());
  }

  /**
   * The {@code conversation} event agents see: also the visitor, the agent's id, the mood, the
   * queue, the labels.
   */
  ChatEvent.Conversation agentView(ChatConversation c, QueuePlaces.Place place) {
    Agent a = directory.agent(c.agent());
    return new ChatEvent.Conversation(
            c.id(),
            c.site(),
            c.status().wire(),
            a == null ? null : a.name(),
            c.agent(),
            c.visitor(),
            place == null ? null : place.position(),
            place == null ? null : place.waitSeconds(),
            mood.get(c.id()),
            place == null ? null : place.note())
        .withLabels(c.labels());
  }

  /**
   * The agents' view of {@code c} with its last announced place (for a change that is not a move).
   */
  ChatEvent.Conversation agentView(ChatConversation c) {
    return agentView(c, c.status() == ConversationStatus.QUEUED ? places.last(c.id()) : null);
  }

  /**
   * Tells the site's agents about conversation {@code known} again (its mood or labels changed), in
   * its turn like a move ({@link #tellNewest}). Completes when told; never fails.
   */
  CompletableFuture<Void> publishToAgents(ChatConversation known) {
    return tellNewest(
        known,
        "agents' view",
        c ->
            node.publish(
                AGENTS_TOPIC + c.site(),
                BrokerEvent.ephemeral(SYSTEM_USER, null, 0, node.encode(agentView(c)))));
  }

  /**
   * Tells the visitor and the site's agents that {@code known} was rated, in its turn like a move
   * ({@link #tellNewest}): the rating with the conversation's newest status, which is no longer
   * {@code resolved} if the visitor wrote again (reopening it) as it rated. Completes when told;
   * never fails.
   */
  CompletableFuture<Void> publishRated(ChatConversation known, Rating rating) {
    return tellNewest(
        known,
        "rating",
        c -> {
          QueuePlaces.Place place =
              c.status() == ConversationStatus.QUEUED ? places.last(c.id()) : null;
          node.publish(
              c.id(),
              BrokerEvent.forUser(
                  c.visitor(),
                  node.encode(visitorView(c, place).withRating(rating.wire(), rating.comment()))));
          node.publish(
              AGENTS_TOPIC + c.site(),
              BrokerEvent.ephemeral(
                  SYSTEM_USER,
                  null,
                  0,
                  node.encode(agentView(c, place).withRating(rating.wire(), rating.comment()))));
        });
  }

  /**
   * Runs {@code tell} with conversation {@code known}'s newest row, in its turn like a move: once
   * the announcements of its moves in flight on this node are told, with the newest of the row
   * {@link Conversations#find} reads (the shared state's cache first; a later move's
   * compare-and-set may already have changed it) and {@code known}, by version; with {@code known}
   * if that read fails. The caller's row alone could be older than a move told meanwhile, and would
   * show a status the conversation has left. Nothing is told of a conversation deleted meanwhile,
   * nor once a later move was told (its turn waited out, {@link ConversationTurns#TURN_WAIT}).
   * Completes when told (or given up: logged); never fails.
   */
  private CompletableFuture<Void> tellNewest(
      ChatConversation known, String what, Consumer<ChatConversation> tell) {
    String id = known.id();
    ConversationTurns.Turn mine = turns.take(id);
    turns
        .ready(mine)
        .thenCompose(v -> conversations.find(id).exceptionally(e -> readFailed(id, what, e)))
        .thenAccept(
            row -> {
              ChatConversation c = row.filter(r -> r.version() > known.version()).orElse(known);
              if (!c.deleted() && !turns.stale(mine, what)) {
                tell.accept(c);
              }
            })
        .whenComplete(
            (v, e) -> {
              if (e != null) {
                log.warn("{}: could not tell the {}", id, what, e);
              }
              turns.finish(mine, null);
            });
    return mine.done();
  }

  /** Logs that {@code id}'s row could not be read for {@code what}: the caller's row is told. */
  private static Optional<ChatConversation> readFailed(String id, String what, Throwable e) {
    log.warn("{}: could not read the row for the {}; telling the one it was given", id, what, e);
    return Optional.empty();
  }

  /** Where integration events go. */
  EventFeed feed() {
    return feed;
  }

  /** Notes the visitor's mood in {@code conv}. */
  void noteMood(String conv, double score) {
    mood.put(conv, score);
  }

  /** The visitor's latest mood in {@code conv}, as this node saw it, or null. */
  Double moodOf(String conv) {
    return mood.get(conv);
  }
}
