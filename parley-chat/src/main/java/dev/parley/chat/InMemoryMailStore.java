package dev.parley.chat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link MailStore} in memory, for one node and for tests: a restart loses what it holds.
 *
 * <p>Thread-safe: every method is synchronised; futures complete before they are returned.
 */
public final class InMemoryMailStore implements MailStore {
  /** The mails by seq, with their leases; guarded by {@code this}. */
  private final TreeMap<Long, Row> rows = new TreeMap<>();

  /** Each conversation's address; guarded by {@code this}. */
  private final Map<String, String> contacts = new HashMap<>();

  private long nextSeq = 1;

  private static final class Row {
    Mail m;
    String owner;
    long leaseUntil;

    Row(Mail m) {
      this.m = m;
    }
  }

  @Override
  public synchronized CompletableFuture<Void> setContact(
      String conversation, String site, String email, long atMillis) {
    contacts.put(conversation, email);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public synchronized CompletableFuture<Optional<String>> contactOf(String conversation) {
    return CompletableFuture.completedFuture(Optional.ofNullable(contacts.get(conversation)));
  }

  @Override
  public synchronized CompletableFuture<Integer> forget(String conversation) {
    contacts.remove(conversation);
    int before = rows.size();
    rows.values().removeIf(r -> r.m.conversation().equals(conversation));
    return CompletableFuture.completedFuture(before - rows.size());
  }

  @Override
  public synchronized CompletableFuture<Boolean> queue(NewMail n, String batchText) {
    if (batchText != null && n.refused() == null) {
      for (Row r : rows.values()) {
        Mail m = r.m;
        if (m.conversation().equals(n.conversation())
            && m.kind() == Kind.REPLY
            && m.status() == Status.PENDING
            && m.attempts() == 0
            && r.owner == null) {
          r.m =
              new Mail(
                  m.seq(),
                  m.id(),
                  m.site(),
                  m.conversation(),
                  m.kind(),
                  n.to(),
                  m.subject(),
                  m.text() + "\n\n" + batchText,
                  m.status(),
                  0,
                  m.createdAtMillis(),
                  m.dueAtMillis(),
                  n.createdAtMillis(),
                  null);
          return CompletableFuture.completedFuture(false);
        }
      }
    }
    long seq = nextSeq++;
    rows.put(
        seq,
        new Row(
            new Mail(
                seq,
                n.id(),
                n.site(),
                n.conversation(),
                n.kind(),
                n.to(),
                n.subject(),
                n.text(),
                n.refused() == null ? Status.PENDING : Status.FAILED,
                0,
                n.createdAtMillis(),
                n.dueAtMillis(),
                n.createdAtMillis(),
                n.refused())));
    return CompletableFuture.completedFuture(true);
  }

  @Override
  public synchronized CompletableFuture<Integer> count(
      String site, String conversation, Kind kind, long sinceMillis) {
    int n = 0;
    for (Row r : rows.values()) {
      Mail m = r.m;
      if (m.site().equals(site)
          && m.createdAtMillis() >= sinceMillis
          && (conversation == null || m.conversation().equals(conversation))
          && (kind == null || m.kind() == kind)) {
        n++;
      }
    }
    return CompletableFuture.completedFuture(n);
  }

  @Override
  public synchronized CompletableFuture<List<Mail>> claim(
      String owner, long nowMillis, Duration lease, int limit) {
    List<Mail> out = new ArrayList<>();
    for (Row r : rows.values()) {
      if (out.size() == limit) {
        break;
      }
      if (r.m.status() == Status.PENDING
          && r.m.dueAtMillis() <= nowMillis
          && (r.owner == null || r.leaseUntil <= nowMillis)) {
        r.owner = owner;
        r.leaseUntil = nowMillis + lease.toMillis();
        out.add(r.m);
      }
    }
    return CompletableFuture.completedFuture(out);
  }

  @Override
  public synchronized CompletableFuture<Boolean> settle(String id, String owner, Attempt a) {
    for (Row r : rows.values()) {
      Mail m = r.m;
      if (m.id().equals(id)) {
        if (!owner.equals(r.owner) || m.status() != Status.PENDING) {
          return CompletableFuture.completedFuture(false);
        }
        r.owner = null;
        r.m =
            new Mail(
                m.seq(),
                m.id(),
                m.site(),
                m.conversation(),
                m.kind(),
                m.to(),
                m.subject(),
                m.text(),
                a.status(),
                m.attempts() + 1,
                m.createdAtMillis(),
                a.dueAtMillis(),
                a.atMillis(),
                a.lastError());
        return CompletableFuture.completedFuture(true);
      }
    }
    return CompletableFuture.completedFuture(false);
  }

  @Override
  public synchronized CompletableFuture<Integer> release(String owner) {
    int n = 0;
    for (Row r : rows.values()) {
      if (owner.equals(r.owner) && r.m.status() == Status.PENDING) {
        r.owner = null;
        n++;
      }
    }
    return CompletableFuture.completedFuture(n);
  }

  @Override
  public synchronized CompletableFuture<List<Mail>> list(String site, int limit, long beforeSeq) {
    List<Mail> out = new ArrayList<>();
    for (Row r : rows.headMap(beforeSeq, false).descendingMap().values()) {
      if (out.size() == limit) {
        break;
      }
      if (r.m.site().equals(site)) {
        out.add(r.m);
      }
    }
    return CompletableFuture.completedFuture(out);
  }

  @Override
  public synchronized CompletableFuture<Integer> prune(long beforeMillis) {
    int before = rows.size();
    rows.values()
        .removeIf(r -> r.m.status() != Status.PENDING && r.m.updatedAtMillis() < beforeMillis);
    return CompletableFuture.completedFuture(before - rows.size());
  }

  @Override
  public void close() {}
}
