package dev.parley.chat;

import dev.parley.core.Node;
import dev.parley.core.Principal;
import dev.parley.core.Session;
import dev.parley.core.SessionLoop;
import dev.parley.core.StoredMessage;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.ProtocolException;
import dev.parley.protocol.chat.ChatCommand;
import dev.parley.protocol.chat.ChatEvent;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Away and offline, with email (see {@code docs/PROTOCOL.md#away-mail}): a visitor leaves an
 * address for its conversation ({@code contact}); an agent's reply while the visitor has no session
 * in the conversation is queued as a mail in the {@link MailStore} (replies within {@link
 * MailPolicy#batchWindow} go into one), and the visitor may ask for the transcript ({@code
 * transcript}). The {@link MailPort} sends what is queued; after {@code hello} the visitor hears
 * through a {@code mail} event whether the site is away and whether an address is on file, and
 * hears it again when that changes ({@link AwayWatch}).
 *
 * <p>Thread-safe: its one state, the transcripts in flight, is a concurrent map changed inside its
 * compute per key. Commands run on the session's event loop and only start asynchronous work;
 * {@link #replyStored} runs wherever a message was stored and never blocks.
 */
final class AwayMail implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AwayMail.class);
  private static final SessionLoop.OnFailure STORE =
      new SessionLoop.OnFailure(ErrorCode.STORE_UNAVAILABLE, "try again");
  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);
  private static final Duration HOUR = Duration.ofHours(1);

  /** The most messages a transcript holds (the newest are left out beyond). */
  static final int TRANSCRIPT_MESSAGES = 1000;

  private final Node node;
  private final Directory directory;
  private final Conversations conversations;
  private final QueuePlaces places;
  private final MailStore store;
  private final MailPort port;
  private final MailPolicy policy;
  private final AwayWatch watch;

  /**
   * Transcripts this node has let past their limits and not yet queued, per conversation ({@code
   * conv:<id>}) and per site ({@code site:<id>}): the limits count them beside those the store
   * counts, since the check and the queuing are steps apart and a visitor's pipelined {@code
   * transcript}s would otherwise all pass one count. An entry goes when its count is back to 0.
   */
  private final ConcurrentHashMap<String, Integer> inFlight = new ConcurrentHashMap<>();

  AwayMail(
      Node node,
      Directory directory,
      Conversations conversations,
      QueuePlaces places,
      MailStore store,
      MailPort port,
      MailPolicy policy) {
    this.node = node;
    this.directory = directory;
    this.conversations = conversations;
    this.places = places;
    this.store = store;
    this.port = port;
    this.policy = policy;
    this.watch = new AwayWatch(node.clock(), this::away, site -> conv -> state(site, conv));
  }

  /** Starts re-telling visitors when their site's away-ness changes. */
  void start() {
    watch.start();
  }

  /** What re-tells visitors when their site's away-ness changes; for tests. */
  AwayWatch watch() {
    return watch;
  }

  /** A visitor's or agent's session ended. Any thread. */
  void sessionClosed(Session session) {
    watch.forget(session);
  }

  @Override
  public void close() {
    watch.close();
  }

  /** Whether mail is on. */
  boolean enabled() {
    return port.enabled();
  }

  /** After {@code hello}: tells the visitor of {@code conv} what it may do by email. */
  void helloAccepted(Session session, String siteId, String conv) {
    if (!port.enabled()) {
      return;
    }
    session
        .loop()
        .then(
            state(siteId, conv),
            null,
            SessionLoop.OnFailure.LOG_ONLY,
            mail -> {
              watch.told(session, siteId, mail);
              session.push(mail);
            });
  }

  /** Whether nobody can answer on {@code siteId} now: outside its hours, or no agent online. */
  private CompletableFuture<Boolean> away(String siteId) {
    Site site = directory.site(siteId);
    boolean closed =
        site != null && !site.hours().isOpen(Instant.ofEpochMilli(node.clock().millis()));
    return places
        .onlineAgents(siteId)
        .exceptionally(e -> List.of())
        .thenApply(online -> closed || online.isEmpty());
  }

  private CompletableFuture<ChatEvent.Mail> state(String siteId, String conv) {
    return away(siteId)
        .thenCombine(
            store.contactOf(conv),
            (away, contact) -> new ChatEvent.Mail(conv, away, contact.isPresent()));
  }

  /** {@code contact}: the visitor leaves its address (creating the conversation if need be). */
  void contactCommand(Session session, ChatCommand.Contact c, VisitorFlow flow) {
    Principal p = session.principal();
    refuseUnlessEnabled();
    String problem = port.problemWith(c.email());
    if (problem != null) {
      throw new ProtocolException(ErrorCode.INVALID_FIELD, problem, "email");
    }
    CompletableFuture<ChatEvent.Mail> done =
        flow.beforeSend(p, c.conv(), session.connection().clientAddress())
            .thenCompose(v -> visitorsConversation(p, c.conv()))
            .thenCompose(
                conv ->
                    store
                        .setContact(conv.id(), conv.site(), c.email(), node.clock().millis())
                        .thenCompose(v -> state(conv.site(), conv.id())));
    session
        .loop()
        .then(
            done,
            c,
            STORE,
            mail -> {
              watch.toldAgain(session, mail);
              session.push(mail);
            });
  }

  /** {@code transcript}: the visitor asks for the conversation by email. */
  void transcriptCommand(Session session, ChatCommand.Transcript t) {
    Principal p = session.principal();
    refuseUnlessEnabled();
    long now = node.clock().millis();
    CompletableFuture<ChatEvent.Mail> done =
        visitorsConversation(p, t.conv())
            .thenCompose(
                conv ->
                    store
                        .contactOf(conv.id())
                        .thenCompose(
                            to -> {
                              if (to.isEmpty()) {
                                throw new ProtocolException(
                                    ErrorCode.INVALID_FIELD,
                                    "leave an email address first (contact)",
                                    "email");
                              }
                              return inFlight(
                                      conv,
                                      (convAhead, siteAhead) ->
                                          limits(conv, now, convAhead, siteAhead)
                                              .thenCompose(v -> readAll(conv.id()))
                                              .thenCompose(
                                                  messages ->
                                                      store.queue(
                                                          new MailStore.NewMail(
                                                              newId(),
                                                              conv.site(),
                                                              conv.id(),
                                                              MailStore.Kind.TRANSCRIPT,
                                                              to.get(),
                                                              "Your chat transcript from "
                                                                  + siteName(conv),
                                                              transcript(conv, messages),
                                                              now,
                                                              now,
                                                              null),
                                                          null)))
                                  .thenCompose(added -> state(conv.site(), conv.id()));
                            }));
    session
        .loop()
        .then(
            done,
            t,
            STORE,
            mail -> {
              port.queued();
              watch.toldAgain(session, mail);
              session.push(mail);
            });
  }

  /**
   * Runs {@code work} for a transcript of {@code conv} counted in flight until it completes; {@code
   * work} gets how many of the conversation's and of its site's were in flight before it.
   */
  private <T> CompletableFuture<T> inFlight(
      ChatConversation conv, BiFunction<Integer, Integer, CompletableFuture<T>> work) {
    String byConv = "conv:" + conv.id();
    String bySite = "site:" + conv.site();
    int convAhead = inFlight.merge(byConv, 1, Integer::sum) - 1;
    int siteAhead = inFlight.merge(bySite, 1, Integer::sum) - 1;
    CompletableFuture<T> done;
    try {
      done = work.apply(convAhead, siteAhead);
    } catch (RuntimeException e) {
      done = CompletableFuture.failedFuture(e);
    }
    return done.whenComplete(
        (x, e) -> {
          inFlight.computeIfPresent(byConv, (k, n) -> n > 1 ? n - 1 : null);
          inFlight.computeIfPresent(bySite, (k, n) -> n > 1 ? n - 1 : null);
        });
  }

  /**
   * Refuses a transcript over the conversation's hourly limit, or over the site's: transcripts —
   * which any visitor can ask for — may take at most half the site's hourly mails, so agents'
   * replies always have the other half. Those in flight on this node ({@code convAhead}, {@code
   * siteAhead}) count as sent.
   */
  private CompletableFuture<Void> limits(
      ChatConversation conv, long now, int convAhead, int siteAhead) {
    long since = now - HOUR.toMillis();
    return store
        .count(conv.site(), conv.id(), MailStore.Kind.TRANSCRIPT, since)
        .thenCompose(
            stored -> {
              if (stored + convAhead >= policy.transcriptsPerHour()) {
                throw new ProtocolException(
                    ErrorCode.RATE_LIMITED,
                    "at most " + policy.transcriptsPerHour() + " transcripts an hour",
                    "conv");
              }
              return store
                  .count(conv.site(), null, MailStore.Kind.TRANSCRIPT, since)
                  .thenCombine(
                      store.count(conv.site(), null, null, since),
                      (transcripts, all) ->
                          transcripts + siteAhead >= policy.siteMailsPerHour() / 2
                                  || all + siteAhead >= policy.siteMailsPerHour()
                              ? policy.siteMailsPerHour()
                              : all);
            })
        .thenAccept(
            n -> {
              if (n >= policy.siteMailsPerHour()) {
                throw new ProtocolException(
                    ErrorCode.RATE_LIMITED,
                    "this site has sent its mails for this hour; try again later",
                    "conv");
              }
            });
  }

  /**
   * A message was stored in {@code c}: when it is an agent's reply, the visitor left an address and
   * has no session in the conversation, it is queued as a mail (batched with others within the
   * window).
   */
  void replyStored(ChatConversation c, StoredMessage m) {
    if (!port.enabled()
        || !"text".equals(m.kind())
        || m.sender().equals(c.visitor())
        || BotTurns.BOT_USER.equals(m.sender())) {
      return;
    }
    store
        .contactOf(c.id())
        .thenCompose(
            to ->
                to.isEmpty()
                    ? CompletableFuture.completedFuture(false)
                    : visitorPresent(c)
                        .thenCompose(present -> present ? done(false) : queueReply(c, m, to.get())))
        .whenComplete(
            (queued, err) -> {
              if (err != null) {
                log.warn("could not queue the away mail for {}: {}", m.id(), err.toString());
              } else if (queued) {
                port.queued();
              }
            });
  }

  private CompletableFuture<Boolean> visitorPresent(ChatConversation c) {
    return node.sharedState().isPresent("conv:" + c.id(), c.visitor());
  }

  private CompletableFuture<Boolean> queueReply(ChatConversation c, StoredMessage m, String to) {
    long now = node.clock().millis();
    Agent agent = directory.agent(m.sender());
    String line = (agent == null ? "Agent" : agent.name()) + ": " + m.text();
    return store
        .count(c.site(), null, null, now - HOUR.toMillis())
        .thenCompose(
            n -> {
              String refused =
                  n >= policy.siteMailsPerHour()
                      ? "over the site's " + policy.siteMailsPerHour() + " mails an hour"
                      : null;
              String text =
                  "You have a new reply in your chat with " + siteName(c) + ".\n\n" + line;
              return store.queue(
                  new MailStore.NewMail(
                      newId(),
                      c.site(),
                      c.id(),
                      MailStore.Kind.REPLY,
                      to,
                      "New reply from " + siteName(c),
                      text,
                      now,
                      now + policy.batchWindow().toMillis(),
                      refused),
                  line);
            })
        .thenApply(added -> true);
  }

  private CompletableFuture<List<StoredMessage>> readAll(String conv) {
    return CompletableFuture.supplyAsync(
        () -> node.store().readAfter(conv, 0, TRANSCRIPT_MESSAGES), node.store().readExecutor());
  }

  /** The visitor's and the bot's and agents' words, oldest first; no system notes, no ids. */
  private String transcript(ChatConversation c, List<StoredMessage> messages) {
    StringBuilder b = new StringBuilder("Your chat with ").append(siteName(c)).append(".\n");
    for (StoredMessage m : messages) {
      String who;
      if ("bot".equals(m.kind())) {
        Site site = directory.site(c.site());
        who = site == null || site.botName() == null ? "Bot" : site.botName();
      } else if (!"text".equals(m.kind())) {
        continue;
      } else if (m.sender().equals(c.visitor())) {
        who = "You";
      } else {
        Agent a = directory.agent(m.sender());
        who = a == null ? "Agent" : a.name();
      }
      b.append("\n[")
          .append(WHEN.format(Instant.ofEpochMilli(m.createdAtMillis())))
          .append("] ")
          .append(who)
          .append(": ")
          .append(m.text());
    }
    return b.toString();
  }

  private CompletableFuture<ChatConversation> visitorsConversation(Principal p, String conv) {
    CompletableFuture<Optional<ChatConversation>> found =
        ChatConversation.isChat(conv)
            ? conversations.find(conv)
            : CompletableFuture.completedFuture(Optional.empty());
    return found.thenApply(
        c -> {
          if (c.isEmpty() || !ChatAccess.isVisitorOf(p, c.get())) {
            throw new ProtocolException(
                ErrorCode.FORBIDDEN, "only the conversation's visitor asks for mail", "conv");
          }
          return c.get();
        });
  }

  private void refuseUnlessEnabled() {
    if (!port.enabled()) {
      throw new ProtocolException(ErrorCode.INVALID_FIELD, "this server sends no mail", "email");
    }
  }

  private String siteName(ChatConversation c) {
    Site s = directory.site(c.site());
    return s == null || s.name() == null ? c.site() : s.name();
  }

  private static String newId() {
    return UUID.randomUUID().toString();
  }

  private static <T> CompletableFuture<T> done(T t) {
    return CompletableFuture.completedFuture(t);
  }
}
