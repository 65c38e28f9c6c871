package dev.parley.chat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link DeliveryStore} in memory, for one node and for tests: a restart loses what it holds.
 *
 * <p>Thread-safe: every method is synchronised; futures complete before they are returned.
 */
public final class InMemoryDeliveryStore implements DeliveryStore {
  /** The deliveries by seq, and their leases; guarded by {@code this}. */
  private final TreeMap<Long, Row> rows = new TreeMap<>();

  private long nextSeq = 1;

  private static final class Row {
    Delivery d;
    String owner;
    long leaseUntil;

    Row(Delivery d) {
      this.d = d;
    }
  }

  @Override
  public synchronized CompletableFuture<Void> add(List<NewDelivery> deliveries) {
    for (NewDelivery n : deliveries) {
      if (rows.values().stream().anyMatch(r -> r.d.id().equals(n.id()))) {
        return CompletableFuture.failedFuture(
            new IllegalArgumentException("delivery " + n.id() + " exists"));
      }
    }
    for (NewDelivery n : deliveries) {
      long seq = nextSeq++;
      rows.put(
          seq,
          new Row(
              new Delivery(
                  seq,
                  n.id(),
                  n.site(),
                  n.webhook(),
                  n.conversation(),
                  n.event(),
                  n.body(),
                  Status.PENDING,
                  0,
                  n.createdAtMillis(),
                  n.createdAtMillis(),
                  n.createdAtMillis(),
                  null,
                  null)));
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public synchronized CompletableFuture<List<Delivery>> claim(
      String owner, long nowMillis, Duration lease, int limit) {
    Set<String> heads = new HashSet<>();
    List<Delivery> out = new ArrayList<>();
    for (Row r : rows.values()) {
      if (r.d.status() != Status.PENDING) {
        continue;
      }
      String unit = r.d.site() + "\u0000" + r.d.webhook() + "\u0000" + r.d.conversation();
      if (!heads.add(unit)) {
        continue; // an older pending delivery of the same conversation comes first
      }
      if (out.size() < limit
          && r.d.dueAtMillis() <= nowMillis
          && (r.owner == null || r.leaseUntil <= nowMillis)) {
        r.owner = owner;
        r.leaseUntil = nowMillis + lease.toMillis();
        out.add(r.d);
      }
    }
    return CompletableFuture.completedFuture(out);
  }

  @Override
  public synchronized CompletableFuture<Boolean> settle(String id, String owner, Attempt a) {
    for (Row r : rows.values()) {
      if (r.d.id().equals(id)) {
        if (r.d.status() != Status.PENDING || !owner.equals(r.owner)) {
          return CompletableFuture.completedFuture(false);
        }
        Delivery d = r.d;
        r.d =
            new Delivery(
                d.seq(),
                d.id(),
                d.site(),
                d.webhook(),
                d.conversation(),
                d.event(),
                d.body(),
                a.status(),
                d.attempts() + 1,
                d.createdAtMillis(),
                a.dueAtMillis(),
                a.atMillis(),
                a.lastError(),
                a.responseCode());
        r.owner = null;
        r.leaseUntil = 0;
        return CompletableFuture.completedFuture(true);
      }
    }
    return CompletableFuture.completedFuture(false);
  }

  @Override
  public synchronized CompletableFuture<Integer> release(String owner) {
    int n = 0;
    for (Row r : rows.values()) {
      if (owner.equals(r.owner) && r.d.status() == Status.PENDING) {
        r.owner = null;
        r.leaseUntil = 0;
        n++;
      }
    }
    return CompletableFuture.completedFuture(n);
  }

  @Override
  public synchronized CompletableFuture<List<Delivery>> list(
      String site, int limit, long beforeSeq) {
    List<Delivery> out = new ArrayList<>();
    for (Row r : rows.headMap(beforeSeq, false).descendingMap().values()) {
      if (out.size() == limit) {
        break;
      }
      if (r.d.site().equals(site)) {
        out.add(r.d);
      }
    }
    return CompletableFuture.completedFuture(out);
  }

  @Override
  public synchronized CompletableFuture<Integer> prune(long beforeMillis) {
    int before = rows.size();
    rows.values()
        .removeIf(r -> r.d.status() != Status.PENDING && r.d.updatedAtMillis() < beforeMillis);
    return CompletableFuture.completedFuture(before - rows.size());
  }

  @Override
  public synchronized CompletableFuture<Integer> deleteConversation(String conversation) {
    int before = rows.size();
    rows.values().removeIf(r -> r.d.conversation().equals(conversation));
    return CompletableFuture.completedFuture(before - rows.size());
  }

  @Override
  public void close() {}
}
