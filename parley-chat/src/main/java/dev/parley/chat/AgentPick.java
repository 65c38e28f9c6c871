package dev.parley.chat;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Who gets the next queued conversation: the least loaded of the online agents with free capacity;
 * ties rotate, so equals take turns.
 *
 * <p>Not thread-safe: the rotation is the routing thread's.
 */
final class AgentPick {
  private final Directory directory;

  /** Ties between equally loaded agents rotate from here. */
  private int rotation;

  AgentPick(Directory directory) {
    this.directory = directory;
  }

  /**
   * The agent among {@code online} (user ids; one whose account is gone is passed over) to give a
   * conversation to, with {@code load} conversations each; empty when none has room.
   */
  Optional<Agent> next(List<String> online, Map<String, Integer> load) {
    List<Agent> free =
        online.stream()
            .map(directory::agent)
            .filter(Objects::nonNull)
            .filter(a -> load.getOrDefault(a.user(), 0) < a.capacity())
            .toList();
    if (free.isEmpty()) {
      return Optional.empty();
    }
    int least = free.stream().mapToInt(a -> load.getOrDefault(a.user(), 0)).min().orElse(0);
    List<Agent> best =
        free.stream()
            .filter(a -> load.getOrDefault(a.user(), 0) == least)
            .sorted(Comparator.comparing(Agent::user))
            .toList();
    return Optional.of(best.get(Math.floorMod(rotation++, best.size())));
  }
}
