package dev.parley.core;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A {@link MessageStore} in memory: durable only as long as the process. For tests of the core and
 * as the reference the contract suite checks the real stores against.
 *
 * <p>Thread-safe: every method synchronises on the store; appends complete on the caller's thread,
 * and an append's continuation runs there too, under the lock.
 */
public final class InMemoryMessageStore implements MessageStore {
  private final Map<String, List<StoredMessage>> messages = new HashMap<>();
  private final Map<String, StoredMessage> byCid = new HashMap<>();
  private final Map<String, ReceiptState> receipts = new HashMap<>();
  private final ExecutorService reads = Executors.newVirtualThreadPerTaskExecutor();
  private final SecureRandom random = new SecureRandom();

  /** Runs {@code then} under the store's lock, so continuations follow seq order. */
  @Override
  public synchronized <T> CompletableFuture<T> append(
      AppendRequest r, Function<? super Appended, ? extends CompletionStage<T>> then) {
    return CompletableFuture.completedFuture(stored(r)).thenCompose(then);
  }

  private Appended stored(AppendRequest r) {
    String key = r.cid() == null ? null : r.conversation() + '\0' + r.sender() + '\0' + r.cid();
    if (key != null) {
      StoredMessage existing = byCid.get(key);
      if (existing != null) {
        return new Appended(existing, true);
      }
    }
    List<StoredMessage> list = messages.computeIfAbsent(r.conversation(), c -> new ArrayList<>());
    byte[] id = new byte[12];
    random.nextBytes(id);
    StoredMessage m =
        r.storedAt(
            list.size() + 1L,
            r.id() != null
                ? r.id()
                : "m_" + Base64.getUrlEncoder().withoutPadding().encodeToString(id));
    list.add(m);
    if (key != null) {
      byCid.put(key, m);
    }
    return new Appended(m, false);
  }

  @Override
  public synchronized CompletableFuture<Boolean> saveReceipt(
      String conversation, String user, String kind, long seq) {
    String key = conversation + '\0' + user + '\0' + kind;
    ReceiptState old = receipts.get(key);
    if (old != null && old.seq() >= seq) {
      return CompletableFuture.completedFuture(false);
    }
    receipts.put(key, new ReceiptState(conversation, user, kind, seq));
    return CompletableFuture.completedFuture(true);
  }

  @Override
  public synchronized List<StoredMessage> readAfter(String conversation, long afterSeq, int limit) {
    List<StoredMessage> list = messages.getOrDefault(conversation, List.of());
    int from = (int) Math.min(Math.max(afterSeq, 0), list.size());
    return List.copyOf(list.subList(from, Math.min(list.size(), from + limit)));
  }

  @Override
  public synchronized List<StoredMessage> readBefore(
      String conversation, long beforeSeq, int limit) {
    List<StoredMessage> list = messages.getOrDefault(conversation, List.of());
    int to = (int) Math.min(Math.max(beforeSeq - 1, 0), list.size());
    return List.copyOf(list.subList(Math.max(0, to - limit), to));
  }

  @Override
  public synchronized Optional<StoredMessage> findByCid(
      String conversation, String sender, String cid) {
    return Optional.ofNullable(byCid.get(conversation + '\0' + sender + '\0' + cid));
  }

  @Override
  public synchronized long lastSeq(String conversation) {
    return messages.getOrDefault(conversation, List.of()).size();
  }

  @Override
  public synchronized List<ReceiptState> receipts(String conversation) {
    List<ReceiptState> out = new ArrayList<>();
    for (ReceiptState r : receipts.values()) {
      if (r.conversation().equals(conversation)) {
        out.add(r);
      }
    }
    return out;
  }

  @Override
  public synchronized CompletableFuture<Integer> eraseSender(String conversation, String sender) {
    List<StoredMessage> list = messages.getOrDefault(conversation, List.of());
    int erased = 0;
    for (int i = 0; i < list.size(); i++) {
      StoredMessage m = list.get(i);
      if (m.sender().equals(sender)) {
        list.set(i, m.tombstone());
        erased++;
      }
    }
    byCid
        .values()
        .removeIf(m -> m.conversation().equals(conversation) && m.sender().equals(sender));
    receipts
        .values()
        .removeIf(r -> r.conversation().equals(conversation) && r.user().equals(sender));
    return CompletableFuture.completedFuture(erased);
  }

  @Override
  public synchronized CompletableFuture<Integer> deleteConversation(String conversation) {
    List<StoredMessage> gone = messages.remove(conversation);
    byCid.values().removeIf(m -> m.conversation().equals(conversation));
    receipts.values().removeIf(r -> r.conversation().equals(conversation));
    return CompletableFuture.completedFuture(gone == null ? 0 : gone.size());
  }

  @Override
  public Executor readExecutor() {
    return reads;
  }

  @Override
  public boolean isHealthy() {
    return true;
  }

  @Override
  public void close() {
    reads.shutdown();
  }
}
