package dev.parley.chat;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/** {@link ChatStore} in memory, for one node's tests. Thread-safe: synchronised on itself. */
public final class InMemoryChatStore implements ChatStore {
  private final Map<String, ChatConversation> byId = new HashMap<>();
  private final Map<String, Long> notBefore = new HashMap<>();
  private final Map<String, Rating> ratings = new HashMap<>();
  private final Map<String, TreeMap<String, CannedResponse>> canned = new HashMap<>();

  @Override
  public synchronized CompletableFuture<Opened> open(
      String site, String visitor, String newId, long nowMillis) {
    for (ChatConversation c : byId.values()) {
      if (c.site().equals(site)
          && c.visitor().equals(visitor)
          && c.status() != ConversationStatus.RESOLVED) {
        return CompletableFuture.completedFuture(new Opened(c, false));
      }
    }
    ChatConversation c = ChatConversation.opened(newId, site, visitor, nowMillis);
    byId.put(newId, c);
    return CompletableFuture.completedFuture(new Opened(c, true));
  }

  @Override
  public synchronized CompletableFuture<Optional<ChatConversation>> latest(
      String site, String visitor) {
    return CompletableFuture.completedFuture(
        byId.values().stream()
            .filter(c -> c.site().equals(site) && c.visitor().equals(visitor))
            .max(
                Comparator.comparingLong(ChatConversation::createdAtMillis)
                    .thenComparing(ChatConversation::id)));
  }

  @Override
  public synchronized CompletableFuture<Optional<ChatConversation>> find(String id) {
    return CompletableFuture.completedFuture(Optional.ofNullable(byId.get(id)));
  }

  @Override
  public synchronized CompletableFuture<Optional<ChatConversation>> transition(
      String id, ConversationStatus from, ConversationStatus to, String agent, long nowMillis) {
    ChatConversation c = byId.get(id);
    if (c == null || c.status() != from) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    if (to != ConversationStatus.RESOLVED) {
      for (ChatConversation o : byId.values()) {
        if (!o.id().equals(c.id())
            && o.site().equals(c.site())
            && o.visitor().equals(c.visitor())
            && o.status() != ConversationStatus.RESOLVED) {
          return CompletableFuture.completedFuture(Optional.empty());
        }
      }
    }
    ChatConversation moved = c.moved(to, agent, nowMillis);
    byId.put(id, moved);
    return CompletableFuture.completedFuture(Optional.of(moved));
  }

  @Override
  public synchronized CompletableFuture<Optional<ChatConversation>> label(
      String id, List<String> labels) {
    ChatConversation c = byId.get(id);
    if (c == null) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    ChatConversation labelled = c.labelled(labels);
    byId.put(id, labelled);
    return CompletableFuture.completedFuture(Optional.of(labelled));
  }

  @Override
  public synchronized CompletableFuture<List<ChatConversation>> list(
      String site, ConversationStatus status) {
    return CompletableFuture.completedFuture(
        byId.values().stream()
            .filter(c -> c.site().equals(site) && c.status() == status)
            .sorted(
                Comparator.comparingLong(ChatConversation::updatedAtMillis)
                    .thenComparing(ChatConversation::id))
            .toList());
  }

  @Override
  public synchronized CompletableFuture<Optional<ChatConversation>> reassign(
      String id, String fromAgent, String toAgent, long nowMillis) {
    ChatConversation c = byId.get(id);
    if (c == null || c.status() != ConversationStatus.ASSIGNED || !fromAgent.equals(c.agent())) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    ChatConversation moved = c.moved(ConversationStatus.ASSIGNED, toAgent, nowMillis);
    byId.put(id, moved);
    return CompletableFuture.completedFuture(Optional.of(moved));
  }

  @Override
  public synchronized CompletableFuture<Long> agentTokensNotBefore(String user) {
    return CompletableFuture.completedFuture(notBefore.getOrDefault(user, 0L));
  }

  @Override
  public synchronized CompletableFuture<Void> revokeAgentTokens(String user, long nowMillis) {
    notBefore.merge(user, nowMillis, Math::max);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public synchronized CompletableFuture<Void> rate(Rating rating) {
    ratings.put(rating.conversation(), rating);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public synchronized CompletableFuture<Optional<Rating>> ratingOf(String id) {
    return CompletableFuture.completedFuture(Optional.ofNullable(ratings.get(id)));
  }

  @Override
  public synchronized CompletableFuture<Rating.Counts> ratingCounts(String site, long fromMillis) {
    long good = 0;
    long bad = 0;
    for (Rating r : ratings.values()) {
      if (r.site().equals(site) && r.ratedAtMillis() >= fromMillis) {
        if (r.good()) {
          good++;
        } else {
          bad++;
        }
      }
    }
    return CompletableFuture.completedFuture(new Rating.Counts(good, bad));
  }

  @Override
  public synchronized CompletableFuture<List<ChatConversation>> ofVisitor(
      String site, String visitor) {
    return CompletableFuture.completedFuture(
        byId.values().stream()
            .filter(c -> c.site().equals(site) && c.visitor().equals(visitor))
            .sorted(
                Comparator.comparingLong(ChatConversation::createdAtMillis)
                    .thenComparing(ChatConversation::id))
            .toList());
  }

  @Override
  public synchronized CompletableFuture<Boolean> forgetVisitor(String id) {
    ChatConversation c = byId.get(id);
    if (c == null) {
      return CompletableFuture.completedFuture(false);
    }
    byId.put(
        id,
        new ChatConversation(
            id,
            c.site(),
            ChatStore.erasedVisitor(id),
            c.status(),
            c.agent(),
            c.createdAtMillis(),
            c.updatedAtMillis(),
            c.version() + 1));
    ratings.computeIfPresent(
        id, (k, r) -> new Rating(r.conversation(), r.site(), r.good(), null, r.ratedAtMillis()));
    return CompletableFuture.completedFuture(true);
  }

  @Override
  public synchronized CompletableFuture<Boolean> delete(String id) {
    ChatConversation c = byId.get(id);
    if (c == null || c.status() != ConversationStatus.RESOLVED || c.deleted()) {
      return CompletableFuture.completedFuture(false);
    }
    ratings.remove(id);
    byId.put(
        id,
        new ChatConversation(
            id,
            c.site(),
            ChatStore.deletedVisitor(id),
            c.status(),
            null,
            c.createdAtMillis(),
            c.updatedAtMillis(),
            c.version() + 1,
            List.of()));
    return CompletableFuture.completedFuture(true);
  }

  @Override
  public synchronized CompletableFuture<List<ChatConversation>> resolvedBefore(
      String site, long beforeMillis, int limit) {
    return CompletableFuture.completedFuture(
        byId.values().stream()
            .filter(
                c ->
                    c.site().equals(site)
                        && c.status() == ConversationStatus.RESOLVED
                        && c.updatedAtMillis() < beforeMillis
                        && !c.deleted())
            .sorted(
                Comparator.comparingLong(ChatConversation::updatedAtMillis)
                    .thenComparing(ChatConversation::id))
            .limit(limit)
            .toList());
  }

  @Override
  public void close() {}

  @Override
  public synchronized CompletableFuture<List<CannedResponse>> cannedResponses(String site) {
    return CompletableFuture.completedFuture(
        List.copyOf(canned.getOrDefault(site, new TreeMap<>()).values()));
  }

  @Override
  public synchronized CompletableFuture<CannedResponse.Saved> saveCanned(
      CannedResponse r, int maxPerSite) {
    TreeMap<String, CannedResponse> site = canned.computeIfAbsent(r.site(), s -> new TreeMap<>());
    boolean had = site.containsKey(r.shortcut());
    if (!had && site.size() >= maxPerSite) {
      return CompletableFuture.completedFuture(CannedResponse.Saved.FULL);
    }
    site.put(r.shortcut(), r);
    return CompletableFuture.completedFuture(
        had ? CannedResponse.Saved.UPDATED : CannedResponse.Saved.CREATED);
  }

  @Override
  public synchronized CompletableFuture<Boolean> deleteCanned(String site, String shortcut) {
    TreeMap<String, CannedResponse> m = canned.get(site);
    return CompletableFuture.completedFuture(m != null && m.remove(shortcut) != null);
  }
}
