package dev.parley.edge.admin;

import dev.parley.chat.Namespace;
import dev.parley.chat.Namespace.Audience;
import dev.parley.core.StreamWindow;
import java.time.Duration;

/**
 * A channel namespace as operators write it: the admin API's body, the stored document and an entry
 * of the sites file's {@code namespaces}. {@link #checked} validates every field and fills the
 * defaults (subscribe {@code authenticated}, publish {@code admins}, presence on, join/leave events
 * off, durability {@code durable}; for an ephemeral namespace a history of {@value
 * #DEFAULT_HISTORY_SIZE} messages and {@value #DEFAULT_HISTORY_TTL_SECONDS} s), naming the field of
 * the first problem; {@link #toNamespace} makes what the chat layer uses. An optional {@code proxy}
 * ({@link NamespaceProxyDoc}) asks the application's backend too before each join and send; its
 * secret is sealed at rest and never shown ({@link NamespaceConfig}). Unknown fields are refused
 * where the document is read ({@code Json.readStrict}), so a misspelt rule is an error, never a
 * silently weaker namespace.
 *
 * <p>{@code deleted} is never written by operators: {@code DELETE} stores the namespace as a
 * tombstone ({@code {"name":…,"deleted":true}}) so that the deletion raises the configuration's
 * version, is audited and reaches every node like any change.
 *
 * <p>Immutable.
 */
public record NamespaceDoc(
    String name,
    String subscribe,
    String publish,
    Boolean presence,
    Boolean joinLeaveEvents,
    String durability,
    Integer historySize,
    Integer historyTtlSeconds,
    Boolean deleted,
    NamespaceProxyDoc proxy) {

  /** Messages an ephemeral namespace's channel keeps when {@code historySize} is absent. */
  public static final int DEFAULT_HISTORY_SIZE = 100;

  /** How long (s) an ephemeral channel keeps a message when {@code historyTtlSeconds} is absent. */
  public static final int DEFAULT_HISTORY_TTL_SECONDS = 300;

  /** A durable namespace as operators write it (not deleted). */
  public NamespaceDoc(
      String name, String subscribe, String publish, Boolean presence, Boolean joinLeaveEvents) {
    this(name, subscribe, publish, presence, joinLeaveEvents, null, null, null, null, null);
  }

  /** A namespace without a proxy. */
  public NamespaceDoc(
      String name,
      String subscribe,
      String publish,
      Boolean presence,
      Boolean joinLeaveEvents,
      String durability,
      Integer historySize,
      Integer historyTtlSeconds,
      Boolean deleted) {
    this(
        name,
        subscribe,
        publish,
        presence,
        joinLeaveEvents,
        durability,
        historySize,
        historyTtlSeconds,
        deleted,
        null);
  }

  /**
   * This document with its defaults filled in, after checking every field.
   *
   * @throws InvalidSetting naming the first field that is wrong
   */
  public NamespaceDoc checked() {
    String problem = Namespace.problem(name);
    if (problem != null) {
      throw new InvalidSetting("name", problem);
    }
    if (deleted != null) {
      throw new InvalidSetting("deleted", "is not a setting: delete the namespace instead");
    }
    boolean ephemeral = "ephemeral".equals(durability);
    if (durability != null && !ephemeral && !durability.equals("durable")) {
      throw new InvalidSetting(
          "durability", "must be durable or ephemeral, not \"" + durability + "\"");
    }
    if (!ephemeral && (historySize != null || historyTtlSeconds != null)) {
      throw new InvalidSetting(
          historySize != null ? "historySize" : "historyTtlSeconds",
          "applies to ephemeral namespaces only (durable ones keep every message)");
    }
    return new NamespaceDoc(
        name,
        audience("subscribe", subscribe, Audience.AUTHENTICATED).wire(),
        audience("publish", publish, Audience.ADMINS).wire(),
        presence == null || presence,
        Boolean.TRUE.equals(joinLeaveEvents),
        ephemeral ? "ephemeral" : "durable",
        ephemeral
            ? within("historySize", historySize, DEFAULT_HISTORY_SIZE, StreamWindow.MAX_SIZE)
            : null,
        ephemeral
            ? within(
                "historyTtlSeconds",
                historyTtlSeconds,
                DEFAULT_HISTORY_TTL_SECONDS,
                (int) StreamWindow.MAX_TTL.toSeconds())
            : null,
        null,
        proxy == null ? null : proxy.checked());
  }

  private static int within(String field, Integer value, int dflt, int max) {
    if (value == null) {
      return dflt;
    }
    if (value < 1 || value > max) {
      throw new InvalidSetting(field, "must be 1-" + max + ", not " + value);
    }
    return value;
  }

  private static Audience audience(String field, String value, Audience dflt) {
    if (value == null) {
      return dflt;
    }
    Audience a = Audience.ofWire(value);
    if (a == null) {
      throw new InvalidSetting(
          field,
          "must be anonymous, authenticated, agents, admins, granted or server, not \""
              + value
              + "\"");
    }
    return a;
  }

  /** The tombstone of namespace {@code name}. */
  public static NamespaceDoc tombstone(String name) {
    return new NamespaceDoc(name, null, null, null, null, null, null, null, true, null);
  }

  /** Whether this is a deleted namespace's tombstone. */
  public boolean tombstoned() {
    return Boolean.TRUE.equals(deleted);
  }

  /** This document with {@code name}. */
  public NamespaceDoc withName(String n) {
    return new NamespaceDoc(
        n,
        subscribe,
        publish,
        presence,
        joinLeaveEvents,
        durability,
        historySize,
        historyTtlSeconds,
        deleted,
        proxy);
  }

  /** This document with {@code p} as its proxy. */
  NamespaceDoc withProxy(NamespaceProxyDoc p) {
    return new NamespaceDoc(
        name,
        subscribe,
        publish,
        presence,
        joinLeaveEvents,
        durability,
        historySize,
        historyTtlSeconds,
        deleted,
        p);
  }

  /**
   * What the chat layer uses (a checked document, its proxy's secret opened); null for a tombstone.
   */
  public Namespace toNamespace() {
    if (tombstoned()) {
      return null;
    }
    return new Namespace(
        name,
        Audience.ofWire(subscribe),
        Audience.ofWire(publish),
        Boolean.TRUE.equals(presence),
        Boolean.TRUE.equals(joinLeaveEvents),
        "ephemeral".equals(durability)
            ? new StreamWindow.Limits(historySize, Duration.ofSeconds(historyTtlSeconds))
            : null,
        proxy == null ? null : proxy.toProxy());
  }
}
