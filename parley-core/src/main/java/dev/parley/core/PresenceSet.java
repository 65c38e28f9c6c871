package dev.parley.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The presence of one topic in {@link InMemorySharedState}: its live members (sessions), the users
 * they stand for with how many members each has, in order, and the members by expiry, so adding,
 * removing, counting and expiring cost O(log n) and listing a page costs its size.
 *
 * <p>Not thread-safe: {@link InMemorySharedState} guards it with its own lock. Expiry is by the
 * monotonic nanoseconds each call is given.
 */
final class PresenceSet {
  private record Member(String id, String user, long expiresAtNanos) {}

  private static final Comparator<Member> BY_EXPIRY =
      Comparator.comparingLong(Member::expiresAtNanos).thenComparing(Member::id);

  private final Map<String, Member> members = new HashMap<>();
  private final TreeSet<Member> byExpiry = new TreeSet<>(BY_EXPIRY);

  /** User → its live members here; sorted by user. */
  private final TreeMap<String, Integer> users = new TreeMap<>();

  /** Adds or renews {@code id}; returns whether its user became present. */
  boolean add(String id, String user, long expiresAtNanos, long now) {
    expire(now);
    Member renewed = new Member(id, user, expiresAtNanos);
    Member old = members.put(id, renewed);
    if (old != null) {
      byExpiry.remove(old);
    }
    byExpiry.add(renewed);
    if (old != null) {
      if (old.user().equals(user)) {
        return false;
      }
      drop(old.user());
    }
    return users.merge(user, 1, Integer::sum) == 1;
  }

  /** Removes {@code id}; returns whether its user is gone by it. */
  boolean remove(String id, long now) {
    expire(now);
    Member old = members.remove(id);
    if (old == null) {
      return false;
    }
    byExpiry.remove(old);
    return drop(old.user());
  }

  int count(long now) {
    expire(now);
    return users.size();
  }

  boolean contains(String user, long now) {
    expire(now);
    return users.containsKey(user);
  }

  List<String> page(String after, int limit, long now) {
    expire(now);
    List<String> out = new ArrayList<>(Math.min(limit, users.size()));
    for (String u : after == null ? users.keySet() : users.tailMap(after, false).keySet()) {
      if (out.size() == limit) {
        break;
      }
      out.add(u);
    }
    return out;
  }

  boolean isEmpty() {
    return members.isEmpty();
  }

  private boolean drop(String user) {
    Integer left = users.merge(user, -1, Integer::sum);
    if (left != null && left <= 0) {
      users.remove(user);
      return true;
    }
    return false;
  }

  private void expire(long now) {
    while (!byExpiry.isEmpty() && byExpiry.first().expiresAtNanos() - now <= 0) {
      Member m = byExpiry.pollFirst();
      members.remove(m.id());
      drop(m.user());
    }
  }
}
