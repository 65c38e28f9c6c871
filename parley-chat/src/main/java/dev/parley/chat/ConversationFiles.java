package dev.parley.chat;

import dev.parley.core.NodeClock;
import dev.parley.core.Principal;
import dev.parley.core.SharedState;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.MessageMeta;
import dev.parley.protocol.ProtocolException;
import dev.parley.protocol.chat.ChatProtocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files of conversations: who may upload to and read from a conversation, storing a file once
 * per idempotency key, which files a message may carry ({@link #attachments}), reading its bytes,
 * and deleting a conversation's or an uploader's files (data protection and the retention period,
 * {@link DataProtection}).
 *
 * <p>A file's bytes are stored ({@link FileStore}) before its record ({@link FileRecords}): a
 * record never points at missing bytes. When two tries with the same key race, both store bytes,
 * one record wins, and the loser deletes its bytes and answers with the winner's record. A crash
 * between the two leaves bytes without a record (never served, as every read starts from a record).
 *
 * <p>Thread-safe. The {@link FileStore} blocks, so its calls run on virtual threads of this object;
 * callers get futures and never block.
 */
public final class ConversationFiles implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ConversationFiles.class);

  /** What {@link #save} did: the file that holds, and whether this call stored it. */
  public record Saved(StoredFile file, boolean created) {}

  private final FileStore bytes;
  private final FileRecords records;
  private final Conversations conversations;
  private final Directory directory;

  /** Creates a visitor's next conversation at its first upload; null apart from a chat layer. */
  private final ConversationOpener opener;

  private final ExecutorService io = Executors.newVirtualThreadPerTaskExecutor();

  ConversationFiles(
      FileStore bytes,
      FileRecords records,
      Conversations conversations,
      Directory directory,
      ConversationOpener opener) {
    this.bytes = bytes;
    this.records = records;
    this.conversations = conversations;
    this.directory = directory;
    this.opener = opener;
  }

  /**
   * Files over {@code store}'s conversations, apart from a chat layer (tests, tools); a chat layer
   * makes its own ({@link ChatLayer#files()}).
   */
  public static ConversationFiles over(
      FileStore bytes,
      FileRecords records,
      ChatStore store,
      Directory directory,
      SharedState shared,
      NodeClock clock) {
    return new ConversationFiles(
        bytes, records, new Conversations(store, shared, clock), directory, null);
  }

  /**
   * The conversation {@code id} when {@code p} takes part in it: its visitor, or an agent or admin
   * of its site. Empty for anyone else, and for a conversation that does not exist or was deleted.
   */
  public CompletableFuture<Optional<ChatConversation>> participation(Principal p, String id) {
    if (!ChatConversation.isChat(id)) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    return conversations
        .find(id)
        .thenApply(
            c ->
                c.filter(
                    conv ->
                        !conv.deleted()
                            && (ChatAccess.isVisitorOf(p, conv)
                                || directory.isAgentOf(p, conv.site()))));
  }

  /** A site's voice messages (the defaults when the site is unknown). */
  public VoiceSettings voiceOf(String site) {
    Site s = directory.site(site);
    return s == null ? VoiceSettings.DEFAULTS : s.voice();
  }

  /**
   * Keeps the outcome of file {@code id}'s transcription: its transcript, or why it failed; the
   * record as it now is (empty when the file is gone).
   */
  public CompletableFuture<Optional<StoredFile>> transcribed(
      String id, String transcript, String error) {
    return records.transcribed(id, transcript, error);
  }

  /**
   * The conversation {@code id} that {@code p} may upload to: one it takes part in ({@link
   * #participation}), or — for a visitor — the next conversation it is about to open, which this
   * creates now, as its first message would ({@link ConversationOpener#create}: the same rate
   * limits per {@code clientAddress} and per site, the greeting stored first, in language {@code
   * lang}). So a visitor whose first act is to attach a file can, and a file never belongs to a
   * conversation that does not exist: erasing the visitor or the conversation, and the retention
   * period, remove it as any other. A visitor's token bound to no site (an anonymous one) is placed
   * on {@code site} as its {@code hello} places it (a site that admits only its signed-in visitors
   * refuses it); the id is derived from the site and the visitor, so no other site's or visitor's
   * conversation can be made this way. Empty when {@code p} may not upload there; fails with a
   * {@link ProtocolException} ({@code rate_limited}) when the conversation may not be created now.
   * Without a chat layer, the same as {@link #participation}.
   *
   * @param site the site the uploading session is placed on, or null
   * @param lang the session's language tag, or null
   */
  public CompletableFuture<Optional<ChatConversation>> uploadTarget(
      Principal p, String id, String site, String lang, String clientAddress) {
    return uploadTarget(p, id, site, lang, clientAddress, null, null);
  }

  /**
   * {@link #uploadTarget(Principal, String, String, String, String)} for a request from a browser
   * page of {@code origin} (null: not a browser) to the server at {@code host}: as at a {@code
   * hello}, a visitor is placed on {@code site} only from a page that site allows or the server's
   * own.
   */
  public CompletableFuture<Optional<ChatConversation>> uploadTarget(
      Principal p,
      String id,
      String site,
      String lang,
      String clientAddress,
      String origin,
      String host) {
    return participation(p, id)
        .thenCompose(
            c -> {
              ConversationOpener o = opener;
              if (c.isPresent() || o == null || !ChatIdentity.isVisitor(p)) {
                return CompletableFuture.completedFuture(c);
              }
              Principal placed = placed(p, site, lang, origin, host);
              return o.isNextOf(placed, id)
                  .thenCompose(
                      next ->
                          next
                              ? o.create(placed, id, clientAddress)
                                  .thenApply(
                                      made ->
                                          Optional.of(made)
                                              .filter(
                                                  x ->
                                                      !x.deleted()
                                                          && ChatAccess.isVisitorOf(placed, x)))
                              : CompletableFuture.completedFuture(
                                  Optional.<ChatConversation>empty()));
            });
  }

  /**
   * Visitor {@code p} placed on {@code site} as {@link ChatAccess#admit} would, with {@code lang},
   * from a page of {@code origin} on the server at {@code host}.
   */
  private Principal placed(Principal p, String site, String lang, String origin, String host) {
    Principal placed = p;
    if (ChatIdentity.site(p) == null && site != null) {
      Site s = directory.site(site);
      if (s == null
          || !s.anonymousVisitors()
          || (origin != null
              && !ChatAccess.allows(s, origin)
              && !ChatAccess.sameOrigin(origin, host))) {
        // no such site, one whose visitors must be signed in, or one the page's origin may not
        // open: not its next conversation
        return p;
      }
      placed = p.withClaim(ChatIdentity.SITE, site);
    }
    return lang != null && ChatProtocol.LANGUAGE_TAG.matcher(lang).matches()
        ? placed.withClaim(ChatIdentity.LANG, lang)
        : placed;
  }

  /** The limits of a site's uploads (its defaults when the site is unknown). */
  public FileLimits limitsOf(String site) {
    Site s = directory.site(site);
    return s == null ? FileLimits.DEFAULTS : s.files();
  }

  /**
   * The meta of a message that {@code sender} sends to {@code conv} carrying the files {@code ids}
   * (docs/PROTOCOL.md#attachments): each must be a file {@code sender} uploaded to {@code conv}
   * that is still stored (a file erased with its uploader's data, or by the retention period, is
   * gone), and there may be at most the site's {@link FileLimits#maxPerMessage}. Completes with
   * null for no ids; fails with a {@link ProtocolException} ({@code too_many_attachments}, {@code
   * unknown_file} naming the first id that is not such a file) when the message must be refused.
   * Only reads: nothing is stored either way. The records are looked up together, on the records'
   * own threads.
   */
  public CompletableFuture<MessageMeta> attachments(
      Principal sender, String conv, List<String> ids) {
    if (ids.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    if (!ChatConversation.isChat(conv)) {
      return CompletableFuture.failedFuture(unknownFile(ids.get(0)));
    }
    return conversations
        .find(conv)
        .thenCompose(
            found -> {
              int max =
                  found.map(c -> limitsOf(c.site()).maxPerMessage()).orElse(Integer.MAX_VALUE);
              if (ids.size() > max) {
                throw new CompletionException(
                    new ProtocolException(
                        ErrorCode.TOO_MANY_ATTACHMENTS,
                        "a message here carries at most " + max + " files",
                        "attachments"));
              }
              List<CompletableFuture<Optional<StoredFile>>> lookups =
                  ids.stream().map(records::find).toList();
              return CompletableFuture.allOf(lookups.toArray(CompletableFuture[]::new))
                  .thenApply(v -> meta(sender, conv, ids, lookups));
            });
  }

  private static MessageMeta meta(
      Principal sender,
      String conv,
      List<String> ids,
      List<CompletableFuture<Optional<StoredFile>>> lookups) {
    List<MessageMeta.Attachment> attached = new ArrayList<>(ids.size());
    for (int i = 0; i < ids.size(); i++) {
      Optional<StoredFile> f = lookups.get(i).join(); // complete: allOf
      if (f.isEmpty()
          || !f.get().conversation().equals(conv)
          || !f.get().uploader().equals(sender.user())) {
        throw new CompletionException(unknownFile(ids.get(i)));
      }
      StoredFile file = f.get();
      MessageMeta.Attachment a =
          MessageMeta.Attachment.fitted(
              file.id(),
              file.name(),
              file.type(),
              file.size(),
              file.width(),
              file.height(),
              file.thumbnailId() != null);
      attached.add(
          file.isAudio()
              ? a.withAudio(file.duration(), file.transcript(), file.transcriptError())
              : a);
    }
    return MessageMeta.attaching(attached);
  }

  private static ProtocolException unknownFile(String id) {
    return new ProtocolException(
        ErrorCode.UNKNOWN_FILE,
        "file " + id + " is not one you uploaded to this conversation (or it was erased)",
        "attachments");
  }

  /** The record of file {@code id}. */
  public CompletableFuture<Optional<StoredFile>> find(String id) {
    return records.find(id);
  }

  /**
   * Whether a page of {@code origin} may call the files API from the browser (CORS): a site lists
   * it ({@link WidgetOrigins#allows}).
   */
  public boolean anySiteAllows(String origin) {
    for (Site s : directory.sites()) {
      if (WidgetOrigins.allows(s, origin)) {
        return true;
      }
    }
    return false;
  }

  /** How many files {@code conversation} holds. */
  public CompletableFuture<Integer> countOf(String conversation) {
    return records.countOf(conversation);
  }

  /** The file that {@code uploader} stored with {@code key} in {@code conversation}, if any. */
  public CompletableFuture<Optional<StoredFile>> byKey(
      String conversation, String uploader, String key) {
    return records.byKey(conversation, uploader, key);
  }

  /**
   * Stores {@code content} (and an image's {@code thumbnail}, or null) as {@code f}, unless the
   * uploader's key already names a file: then nothing new is kept and the stored one is returned.
   */
  public CompletableFuture<Saved> save(StoredFile f, byte[] content, byte[] thumbnail) {
    return CompletableFuture.supplyAsync(
            () -> {
              bytes.put(f.id(), content);
              if (f.thumbnailId() != null) {
                bytes.put(f.thumbnailId(), thumbnail);
              }
              return f;
            },
            io)
        .thenCompose(records::insert)
        .thenCompose(
            held -> {
              if (held.id().equals(f.id())) {
                return CompletableFuture.completedFuture(new Saved(held, true));
              }
              return CompletableFuture.runAsync(() -> deleteBytes(f), io)
                  .thenApply(v -> new Saved(held, false));
            });
  }

  /**
   * At most {@code length} bytes of stored bytes {@code id} (a file or a thumbnail) from offset.
   */
  public CompletableFuture<Optional<byte[]>> read(String id, long offset, int length) {
    return CompletableFuture.supplyAsync(() -> bytes.read(id, offset, length), io);
  }

  /** Deletes every file of a conversation (records, then bytes); how many. */
  CompletableFuture<Integer> deleteConversation(String conversation) {
    return deleteWhere(conversation, null);
  }

  /** Deletes the files {@code uploader} uploaded to a conversation; how many. */
  CompletableFuture<Integer> deleteUploads(String conversation, String uploader) {
    return deleteWhere(conversation, uploader);
  }

  private CompletableFuture<Integer> deleteWhere(String conversation, String uploader) {
    return records
        .ofConversation(conversation)
        .thenCompose(
            list -> {
              List<StoredFile> gone =
                  list.stream()
                      .filter(f -> uploader == null || f.uploader().equals(uploader))
                      .toList();
              CompletableFuture<Integer> n = CompletableFuture.completedFuture(0);
              for (StoredFile f : gone) {
                n =
                    n.thenCompose(
                        k ->
                            records
                                .delete(f.id())
                                .thenApplyAsync(
                                    d -> {
                                      deleteBytes(f);
                                      return k + 1;
                                    },
                                    io));
              }
              return n;
            });
  }

  private void deleteBytes(StoredFile f) {
    bytes.delete(f.id());
    if (f.thumbnailId() != null) {
      bytes.delete(f.thumbnailId());
    }
    log.debug("deleted the bytes of file {}", f.id());
  }

  @Override
  public void close() {
    io.close();
    records.close();
    bytes.close();
  }
}
