package dev.parley.chat;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The deployment's configuration, durable: the {@code ConfigStore} port. It keeps entries — a site,
 * an agent, a channel namespace — as JSON documents the admin side writes and reads ({@code
 * parley-edge}'s settings documents); this port does not look inside them. Every change also raises
 * one deployment-wide {@code version}, which tells a node whether it holds the latest
 * configuration, and is written with its audit record in the same transaction.
 *
 * <h2>Guarantees (held by {@code ConfigStoreContract})</h2>
 *
 * <ul>
 *   <li>{@link #put} is compare-and-set on the entry's version: two admins (or nodes) cannot both
 *       change the same version of an entry; the loser learns it and nothing of its change is kept.
 *   <li>Each successful {@link #put} raises the deployment's version by exactly one and gives the
 *       entry that version; {@link #version} never goes down.
 *   <li>An entry and its audit record are written together or not at all.
 * </ul>
 *
 * <p>Thread-safe; never blocks the caller (futures complete on a store thread).
 */
public interface ConfigStore extends AutoCloseable {

  /** What an entry configures. */
  enum Kind {
    SITE("site"),
    AGENT("agent"),
    /** A channel namespace ({@link Namespace}); a deleted one is kept as a tombstone. */
    NAMESPACE("namespace"),
    /**
     * A key of the server API ({@code parley-edge}'s {@code ApiKeyDoc}): its hash and scope, never
     * its secret; a revoked one is kept, marked revoked.
     */
    API_KEY("api_key");

    private final String wire;

    Kind(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }

    public static Kind ofWire(String wire) {
      for (Kind k : values()) {
        if (k.wire.equals(wire)) {
          return k;
        }
      }
      throw new IllegalArgumentException("unknown configuration kind " + wire);
    }
  }

  /**
   * One configured thing.
   *
   * @param version the deployment version at which it last changed (its ETag)
   * @param body its JSON document
   * @param updatedAtMillis when it last changed
   */
  record Entry(Kind kind, String id, long version, String body, long updatedAtMillis) {}

  /** Every entry and the deployment version they make up. */
  record Snapshot(List<Entry> entries, long version) {}

  /**
   * An admin change, as the audit log keeps it.
   *
   * @param actor who (an admin's user, or {@code import} for the sites file)
   * @param action what, e.g. {@code create}, {@code update}, {@code disable}, {@code password}
   * @param detail what changed, for people (never a secret)
   */
  record Audit(long atMillis, String actor, String action, Kind kind, String id, String detail) {}

  /** Every entry, with the version they make up. */
  CompletableFuture<Snapshot> load();

  /** The deployment version: cheap, for a node to learn whether it is behind. */
  CompletableFuture<Long> version();

  /** The entry, if any. */
  CompletableFuture<Optional<Entry>> find(Kind kind, String id);

  /**
   * Writes {@code body} as entry ({@code kind}, {@code id}) if its version is {@code expected} (0:
   * it must not exist yet), with {@code audit}. Completes with the written entry, or empty when the
   * entry's version is not {@code expected} (someone changed it, or it exists already).
   */
  CompletableFuture<Optional<Entry>> put(
      Kind kind, String id, String body, long expected, Audit audit);

  /**
   * Appends {@code audit} alone: an admin action that changes no entry (a data protection request),
   * so neither an entry nor the deployment's version changes.
   */
  CompletableFuture<Void> record(Audit audit);

  /**
   * The newest audit records, newest first, before {@code beforeMillis} (Long.MAX_VALUE: from now).
   */
  CompletableFuture<List<Audit>> audit(int limit, long beforeMillis);

  @Override
  void close();
}
