package dev.parley.chat;

import dev.parley.chat.VisitorLanguages.Localized;
import dev.parley.core.AppendRequest;
import dev.parley.core.Node;
import dev.parley.core.Principal;
import dev.parley.core.StoredMessage;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.MessageMeta;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * What agents do with conversations — accept, transfer, resolve, hand back to the bot, write — and
 * what they read: the operations behind both the WebSocket commands and the REST API, so the two
 * follow one set of rules. Each answers with an {@link Outcome} (or the stored message).
 *
 * <p>Thread-safe; never blocks: every operation completes on store threads.
 */
public final class AgentDesk {
  private final Node node;
  private final Directory directory;
  private final Conversations conversations;
  private final ConversationLifecycle lifecycle;
  private final AgentRouting routing;
  private final WaitEstimate estimate;

  AgentDesk(
      Node node,
      Directory directory,
      Conversations conversations,
      ConversationLifecycle lifecycle,
      AgentRouting routing,
      WaitEstimate estimate) {
    this.estimate = estimate;
    this.node = node;
    this.directory = directory;
    this.conversations = conversations;
    this.lifecycle = lifecycle;
    this.routing = routing;
  }

  /** What an operation did: {@link #OK}, or the error to answer with. */
  public record Outcome(ErrorCode error, String message, String field) {
    public static final Outcome OK = new Outcome(null, null, null);

    public boolean ok() {
      return error == null;
    }

    static Outcome of(ErrorCode e, String m, String f) {
      return new Outcome(e, m, f);
    }

    static CompletableFuture<Outcome> now(ErrorCode e, String m, String f) {
      return CompletableFuture.completedFuture(of(e, m, f));
    }
  }

  /** The agent account behind {@code p}, or null. */
  public Agent agentOf(Principal p) {
    return directory.staff(p);
  }

  /**
   * Runs {@code then} with {@code p}'s agent account and {@code conv}, a conversation of one of its
   * sites; answers the reason when it is not.
   */
  private <T> CompletableFuture<T> withAgentsConversation(
      Principal p, String conv, Function<Outcome, T> refused, AgentWork<T> then) {
    Agent agent = agentOf(p);
    if (agent == null) {
      return CompletableFuture.completedFuture(
          refused.apply(Outcome.of(ErrorCode.FORBIDDEN, "agents only", null)));
    }
    if (!ChatConversation.isChat(conv)) {
      return CompletableFuture.completedFuture(
          refused.apply(
              Outcome.of(ErrorCode.INVALID_FIELD, conv + " is not a chat conversation", "conv")));
    }
    return conversations
        .find(conv)
        .thenCompose(
            c -> {
              if (c.isEmpty()) {
                return CompletableFuture.completedFuture(
                    refused.apply(Outcome.of(ErrorCode.FORBIDDEN, "no such conversation", "conv")));
              }
              if (!agent.sites().contains(c.get().site())) {
                return CompletableFuture.completedFuture(
                    refused.apply(
                        Outcome.of(
                            ErrorCode.FORBIDDEN, "not a conversation of your sites", "conv")));
              }
              return then.run(agent, c.get());
            });
  }

  @FunctionalInterface
  private interface AgentWork<T> {
    CompletableFuture<T> run(Agent agent, ChatConversation c);
  }

  private static Outcome movedOr(Optional<ChatConversation> moved) {
    return moved.isPresent()
        ? Outcome.OK
        : Outcome.of(ErrorCode.INVALID_FIELD, "it changed meanwhile", "conv");
  }

  /**
   * Agent {@code p}, of {@code conv}'s site (assigned or not), sets its labels to {@code labels}
   * (checked by {@code ChatCommand.Label.checkLabels}); the site's agents hear of it as a {@code
   * conversation} event with {@code labels}. The visitor does not.
   */
  public CompletableFuture<Outcome> label(Principal p, String conv, List<String> labels) {
    return withAgentsConversation(
        p,
        conv,
        o -> o,
        (agent, c) ->
            conversations
                .label(c, labels)
                .thenApply(
                    labelled -> {
                      labelled.ifPresent(lifecycle::publishToAgents);
                      return movedOr(labelled);
                    }));
  }

  /**
   * Agent {@code p} takes {@code conv} (queued, or still with the bot); one already theirs is fine.
   */
  public CompletableFuture<Outcome> accept(Principal p, String conv) {
    return withAgentsConversation(
        p,
        conv,
        o -> o,
        (agent, c) -> {
          if (c.status() == ConversationStatus.ASSIGNED && agent.user().equals(c.agent())) {
            return CompletableFuture.completedFuture(
                Outcome.OK); // auto-assignment was faster: it is theirs already
          }
          if (c.status() != ConversationStatus.QUEUED && c.status() != ConversationStatus.BOT) {
            return Outcome.now(
                ErrorCode.INVALID_FIELD, "the conversation is " + c.status().wire(), "conv");
          }
          return routing
              .assign(c, c.status(), agent)
              .thenApply(
                  ok ->
                      ok
                          ? Outcome.OK
                          : Outcome.of(
                              ErrorCode.INVALID_FIELD, "someone else took it first", "conv"));
        });
  }

  /** Agent {@code p} hands its conversation {@code conv} to agent {@code toUser}. */
  public CompletableFuture<Outcome> transfer(Principal p, String conv, String toUser) {
    return withAgentsConversation(
        p,
        conv,
        o -> o,
        (agent, c) -> {
          Agent to = directory.agent(toUser);
          if (to == null || !to.sites().contains(c.site())) {
            return Outcome.now(
                ErrorCode.INVALID_FIELD, "no agent " + toUser + " on " + c.site(), "to");
          }
          if (c.status() != ConversationStatus.ASSIGNED || !agent.user().equals(c.agent())) {
            return Outcome.now(ErrorCode.FORBIDDEN, "only the assigned agent transfers", "conv");
          }
          return lifecycle
              .reassign(
                  c, agent, to, Localized.of("transferred", "agent", agent.name(), "to", to.name()))
              .thenApply(
                  moved -> {
                    routing.freed(c); // room for the one who handed it over
                    return movedOr(moved);
                  });
        });
  }

  /** Agent {@code p} resolves {@code conv}. */
  public CompletableFuture<Outcome> resolve(Principal p, String conv) {
    return withAgentsConversation(
        p,
        conv,
        o -> o,
        (agent, c) -> {
          if (c.status() == ConversationStatus.RESOLVED
              || (c.status() == ConversationStatus.ASSIGNED && !agent.user().equals(c.agent()))) {
            return Outcome.now(ErrorCode.FORBIDDEN, "not yours to resolve", "conv");
          }
          return lifecycle
              .move(
                  c,
                  c.status(),
                  ConversationStatus.RESOLVED,
                  null,
                  Localized.of("resolved", "agent", agent.name()))
              .thenApply(
                  moved -> {
                    if (moved.isPresent() && c.status() == ConversationStatus.BOT) {
                      routing.leftTheBot(c.id()); // an answer streaming stops where it is
                    }
                    if (moved.isPresent() && c.status() == ConversationStatus.ASSIGNED) {
                      // Handled from the last change (the assignment, or a transfer) to now: the
                      // queue's estimate.
                      estimate.record(
                          c.site(), moved.get().updatedAtMillis() - c.updatedAtMillis());
                    }
                    routing.freed(c);
                    return movedOr(moved);
                  });
        });
  }

  /**
   * Back to the bot: the visitor of a queued conversation leaves the queue, or the assigned agent
   * hands the conversation back.
   */
  public CompletableFuture<Outcome> backToBot(Principal p, String conv) {
    if (!ChatConversation.isChat(conv)) {
      return Outcome.now(ErrorCode.INVALID_FIELD, conv + " is not a chat conversation", "conv");
    }
    return conversations
        .find(conv)
        .thenCompose(
            found -> {
              if (found.isEmpty()) {
                return Outcome.now(ErrorCode.FORBIDDEN, "no such conversation", "conv");
              }
              ChatConversation c = found.get();
              Agent agent = agentOf(p);
              Localized text;
              if (ChatAccess.isVisitorOf(p, c) && c.status() == ConversationStatus.QUEUED) {
                text = Localized.of("leftQueue");
              } else if (agent != null
                  && c.status() == ConversationStatus.ASSIGNED
                  && agent.user().equals(c.agent())) {
                text = Localized.of("handedBack", "agent", agent.name());
              } else {
                return Outcome.now(
                    ErrorCode.FORBIDDEN,
                    "only a queued visitor or the assigned agent sends it back to the bot",
                    "conv");
              }
              return lifecycle
                  .move(c, c.status(), ConversationStatus.BOT, null, text)
                  .thenApply(
                      moved -> {
                        routing.freed(c);
                        return movedOr(moved);
                      });
            });
  }

  /**
   * Stores a message in {@code conv} from its assigned agent {@code p}. Completes with the stored
   * message, or the {@link Outcome} that refused it.
   */
  public CompletableFuture<Object> postAsAgent(Principal p, String conv, String cid, String text) {
    return withAgentsConversation(
        p,
        conv,
        o -> (Object) o,
        (agent, c) -> {
          if (c.status() != ConversationStatus.ASSIGNED || !p.user().equals(c.agent())) {
            return CompletableFuture.completedFuture(
                Outcome.of(ErrorCode.FORBIDDEN, "only the assigned agent writes here", "conv"));
          }
          return node.append(
                  new AppendRequest(conv, p.user(), cid, "text", text, node.clock().millis()))
              .thenApply(
                  a -> {
                    routing.agentSpoke(conv);
                    if (!a.duplicate()) {
                      lifecycle.feed().messageStored(c, a.message());
                    }
                    return (Object) a.message();
                  });
        });
  }

  /**
   * Stores an answer of the site's external (webhook) bot in {@code conv}, if the bot still has the
   * conversation, with the sources it cites ({@code meta}, or null). Completes with the stored
   * message or an outcome; a repeated {@code cid} with the message first stored, its meta included.
   */
  public CompletableFuture<Object> postAsBot(
      String conv, String cid, String text, MessageMeta meta) {
    return conversations
        .find(conv)
        .thenCompose(
            c -> {
              if (c.isEmpty()) {
                return CompletableFuture.completedFuture(
                    Outcome.of(ErrorCode.FORBIDDEN, "no such conversation", "conv"));
              }
              if (c.get().status() != ConversationStatus.BOT) {
                return CompletableFuture.completedFuture(
                    Outcome.of(
                        ErrorCode.INVALID_FIELD,
                        "the conversation is " + c.get().status().wire() + ": the bot stays quiet",
                        "conv"));
              }
              return node.append(
                      new AppendRequest(
                          conv,
                          BotTurns.BOT_USER,
                          cid,
                          "bot",
                          text,
                          node.clock().millis(),
                          null,
                          null,
                          meta))
                  .thenApply(
                      a -> {
                        if (!a.duplicate()) {
                          lifecycle.feed().messageStored(c.get(), a.message());
                        }
                        return (Object) a.message();
                      });
            });
  }

  /** Conversations of {@code site} with {@code status}. */
  public CompletableFuture<List<ChatConversation>> list(String site, ConversationStatus status) {
    return conversations.list(site, status);
  }

  /** The newest {@code limit} messages of {@code conv} below {@code before}, ascending. */
  public CompletableFuture<List<StoredMessage>> readBefore(String conv, long before, int limit) {
    return CompletableFuture.supplyAsync(
        () -> node.store().readBefore(conv, before, limit), node.store().readExecutor());
  }

  /** The conversation, if it exists. */
  public CompletableFuture<Optional<ChatConversation>> find(String id) {
    return conversations.find(id);
  }

  /** The visitor's latest mood in {@code conv}, as this node saw it, or null. */
  public Double moodOf(String conv) {
    return lifecycle.moodOf(conv);
  }
}
