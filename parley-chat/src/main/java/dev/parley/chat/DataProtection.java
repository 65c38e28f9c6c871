package dev.parley.chat;

import dev.parley.core.MessageStore;
import dev.parley.core.ReceiptState;
import dev.parley.core.StoredMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A visitor's data, for data protection requests (docs/SECURITY.md#data-protection): {@link
 * #export} gathers everything kept about a visitor of a site, {@link #erase} removes it, {@link
 * #deleteConversation} removes a whole conversation (what the retention period also does).
 *
 * <p>Erasing keeps each conversation's seq order for its other participants: the visitor's messages
 * become tombstones ({@link MessageStore#eraseSender}), its receipts go, the conversation forgets
 * whose it was ({@link ChatStore#forgetVisitor}) and its rating loses its comment; the event
 * webhooks' deliveries of the conversation (whose bodies may quote the visitor) are deleted, and so
 * are its away-mail address and mails, its visitor context with the pre-chat answers, and the files
 * it uploaded ({@link ConversationFiles}). Deleting a conversation deletes its internal notes and
 * all its files too. Each step is idempotent and the conversation is forgotten last, so an erasure
 * that failed half-way is finished by running it again.
 *
 * <p>Thread-safe; never blocks the caller: the store reads run on the message store's read threads.
 */
public final class DataProtection {
  /** How many messages one read of an export takes. */
  private static final int PAGE = 500;

  private final ChatStore store;
  private final Conversations conversations;
  private final MessageStore messages;
  private final DeliveryStore deliveries;
  private final MailStore mail;
  private final VisitorContextStore contexts;
  private final ConversationFiles files;
  private final int maxExportMessages;

  /**
   * @param deliveries the event webhooks' delivery log, or null when there is none
   * @param mail away mail's addresses and outbox
   * @param contexts the visitors' contexts and pre-chat answers
   * @param files the conversations' uploaded files
   * @param maxExportMessages the most messages one export holds; a visitor with more gets {@link
   *     TooLarge}
   */
  DataProtection(
      ChatStore store,
      Conversations conversations,
      MessageStore messages,
      DeliveryStore deliveries,
      MailStore mail,
      VisitorContextStore contexts,
      ConversationFiles files,
      int maxExportMessages) {
    this.store = store;
    this.conversations = conversations;
    this.messages = messages;
    this.deliveries = deliveries;
    this.mail = mail;
    this.contexts = contexts;
    this.files = files;
    this.maxExportMessages = maxExportMessages;
  }

  /** The default of the most messages one export holds. */
  public static final int MAX_EXPORT_MESSAGES = 100_000;

  /** What is kept about a visitor of a site: its conversations, oldest first. */
  public record Export(String site, String visitor, List<ConversationData> conversations) {}

  /**
   * One conversation of an export.
   *
   * @param rating the visitor's rating, or null
   * @param email the address the visitor left for away mail, or null
   * @param context what the visitor's widget reported and its pre-chat answers, or null
   */
  public record ConversationData(
      ChatConversation conversation,
      List<StoredMessage> messages,
      List<ReceiptState> receipts,
      Rating rating,
      String email,
      VisitorContext context) {}

  /** What an erasure did: how many conversations it forgot and how many messages it erased. */
  public record Erased(int conversations, int messages) {}

  /** What a deletion did: whether the conversation existed and how many messages went. */
  public record Deleted(boolean existed, int messages) {}

  /** An export would hold more than the limit of messages. */
  public static final class TooLarge extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TooLarge(int max) {
      super("the visitor has more than " + max + " messages; export fewer at a time");
    }
  }

  /** Everything kept about {@code visitor} on {@code site}; fails with {@link TooLarge}. */
  public CompletableFuture<Export> export(String site, String visitor) {
    return store
        .ofVisitor(site, visitor)
        .thenComposeAsync(
            list -> {
              List<ConversationData> out = new ArrayList<>();
              int total = 0;
              for (ChatConversation c : list) {
                List<StoredMessage> all = new ArrayList<>();
                List<StoredMessage> page;
                do {
                  long after = all.isEmpty() ? 0 : all.get(all.size() - 1).seq();
                  page = messages.readAfter(c.id(), after, PAGE);
                  all.addAll(page);
                  total += page.size();
                  if (total > maxExportMessages) {
                    throw new TooLarge(maxExportMessages);
                  }
                } while (page.size() == PAGE);
                Optional<Rating> rating = store.ratingOf(c.id()).join();
                String email = mail.contactOf(c.id()).join().orElse(null);
                VisitorContext context = contexts.of(c.id()).join().orElse(null);
                out.add(
                    new ConversationData(
                        c, all, messages.receipts(c.id()), rating.orElse(null), email, context));
              }
              return CompletableFuture.completedFuture(new Export(site, visitor, out));
            },
            messages.readExecutor());
  }

  /** Erases {@code visitor} of {@code site} from every conversation it had there. */
  public CompletableFuture<Erased> erase(String site, String visitor) {
    return store
        .ofVisitor(site, visitor)
        .thenCompose(
            list -> {
              CompletableFuture<Integer> erased = CompletableFuture.completedFuture(0);
              for (ChatConversation c : list) {
                erased = erased.thenCompose(n -> eraseFrom(c, visitor).thenApply(m -> n + m));
              }
              return erased.thenApply(n -> new Erased(list.size(), n));
            });
  }

  private CompletableFuture<Integer> eraseFrom(ChatConversation c, String visitor) {
    return messages
        .eraseSender(c.id(), visitor)
        .thenCompose(n -> messages.deleteConversation(Notes.of(c.id())).thenApply(d -> n))
        .thenCompose(n -> deliveriesOf(c.id()).thenApply(d -> n))
        .thenCompose(n -> mail.forget(c.id()).thenApply(d -> n))
        .thenCompose(n -> contexts.forget(c.id()).thenApply(d -> n))
        .thenCompose(n -> files.deleteUploads(c.id(), visitor).thenApply(d -> n))
        .thenCompose(n -> conversations.forgetVisitor(c.id()).thenApply(found -> n));
  }

  /**
   * Deletes resolved conversation {@code id}: first its record becomes an anonymous tombstone
   * ({@link ChatStore#delete}: compare-and-set on its status, so one reopened meanwhile is left
   * alone, and nobody can write in it any more), then its messages, its internal notes, receipts,
   * event deliveries and away mail go. The tombstone keeps the id taken, so it is never handed out
   * again. Run again on a tombstone, it finishes what a failed run left.
   */
  public CompletableFuture<Deleted> deleteConversation(String id) {
    return conversations
        .delete(id)
        .thenCompose(
            changed ->
                store
                    .find(id)
                    .thenCompose(
                        row -> {
                          boolean tomb = row.isPresent() && row.get().deleted();
                          if (!tomb) {
                            return CompletableFuture.completedFuture(new Deleted(false, 0));
                          }
                          return messages
                              .deleteConversation(id)
                              .thenCompose(
                                  n -> messages.deleteConversation(Notes.of(id)).thenApply(d -> n))
                              .thenCompose(n -> deliveriesOf(id).thenApply(d -> n))
                              .thenCompose(n -> mail.forget(id).thenApply(d -> n))
                              .thenCompose(n -> contexts.forget(id).thenApply(d -> n))
                              .thenCompose(n -> files.deleteConversation(id).thenApply(d -> n))
                              .thenApply(n -> new Deleted(changed, n));
                        }));
  }

  /** The conversation {@code id}, if it exists (for checking its site). */
  public CompletableFuture<Optional<ChatConversation>> find(String id) {
    return store.find(id);
  }

  private CompletableFuture<Integer> deliveriesOf(String conversation) {
    return deliveries == null
        ? CompletableFuture.completedFuture(0)
        : deliveries.deleteConversation(conversation);
  }
}
