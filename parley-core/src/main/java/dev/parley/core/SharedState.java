package dev.parley.core;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * State every node of a cluster sees alike: presence (who is connected where), ephemeral state
 * (typing, streaming answers) for snapshots, expiring values (what a layer above the core must read
 * fast on every node, such as a conversation's status), and claims (exclusive, expiring ownership
 * of a key — the chat layer claims a conversation before assigning it, so two nodes never assign
 * one conversation twice). The {@code SharedState} port.
 *
 * <h2>Guarantees</h2>
 *
 * <ul>
 *   <li>A presence entry is listed until it is removed or its time-to-live passes; a node that dies
 *       leaves entries that expire by themselves. A user is present while at least one of its
 *       members is; the count of present users is kept as members come and go, so reading it or
 *       joining costs the same with ten users as with ten thousand.
 *   <li>{@link #claim} succeeds for at most one owner of a key at a time, across every node; the
 *       owner may renew it; it ends when released or when its time-to-live passes.
 * </ul>
 *
 * <p>Thread-safe; never blocks: results come as futures (completed on a state thread).
 */
public interface SharedState extends AutoCloseable {

  /**
   * Adds or renews {@code member} (a session id) of {@code topic}, standing for {@code user}.
   * Completes with whether {@code user} became present by it (it had no live member there before)
   * and the number of users present after it. Costs O(log n) in the topic's size, never O(n).
   */
  CompletableFuture<PresenceChange> presenceAdd(
      String topic, String member, String user, Duration ttl);

  /**
   * Removes {@code member} of {@code topic}, which stood for {@code user}. Completes with whether
   * {@code user} is gone by it (that was its last live member there) and the users left.
   */
  CompletableFuture<PresenceChange> presenceRemove(String topic, String member, String user);

  /** The number of distinct users present in {@code topic}. */
  CompletableFuture<Integer> presenceCount(String topic);

  /** Whether {@code user} has a live member in {@code topic}. */
  CompletableFuture<Boolean> isPresent(String topic, String user);

  /**
   * Up to {@code limit} distinct users present in {@code topic}, in ascending order, starting after
   * {@code after} (null: from the first): a page of the presence list.
   */
  CompletableFuture<List<String>> presentUsers(String topic, String after, int limit);

  /**
   * What a presence write did: whether the user's presence changed (came or went) and how many
   * users are present after it.
   */
  record PresenceChange(boolean changed, int count) {}

  /**
   * Keeps {@code frame} as the current state {@code key} of {@code topic} for {@code ttl} (a zero
   * {@code ttl} removes it): typing indicators, a streaming answer's text so far. Later joiners get
   * every live state of a topic as a snapshot.
   */
  CompletableFuture<Void> putState(String topic, String key, byte[] frame, Duration ttl);

  /**
   * Adds {@code frame} to the frames of state {@code key} of {@code topic} (creating it) and keeps
   * the whole state for {@code ttl} from now. A later joiner receives the frames in the order they
   * were added.
   */
  CompletableFuture<Void> appendState(String topic, String key, byte[] frame, Duration ttl);

  /**
   * The frames of the live states of {@code topic}: states in no particular order, the frames of
   * one state in the order they were put or added.
   */
  CompletableFuture<List<byte[]>> states(String topic);

  /**
   * Sets {@code key} to {@code value} at {@code version} for {@code ttl}, unless the live value has
   * a higher version (a write that arrives late, or a cache fill that raced a change, loses to the
   * newer one). Completes with whether it was set.
   */
  CompletableFuture<Boolean> setValue(String key, String value, long version, Duration ttl);

  /** Removes {@code key}'s value. */
  CompletableFuture<Void> removeValue(String key);

  /** The live value of {@code key}, or null. */
  CompletableFuture<String> value(String key);

  /**
   * Takes {@code key} for {@code owner} for {@code ttl}, or renews it if {@code owner} already has
   * it. Completes with false if someone else holds it.
   */
  CompletableFuture<Boolean> claim(String key, String owner, Duration ttl);

  /** Gives {@code key} up if {@code owner} holds it; completes with whether it did. */
  CompletableFuture<Boolean> release(String key, String owner);

  @Override
  void close();
}
