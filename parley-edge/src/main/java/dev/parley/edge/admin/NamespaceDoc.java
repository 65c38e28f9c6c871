package dev.parley.edge.admin;

import dev.parley.chat.Namespace;
import dev.parley.chat.Namespace.Audience;

/**
 * A channel namespace as operators write it: the admin API's body, the stored document and an entry
 * of the sites file's {@code namespaces}. {@link #checked} validates every field and fills the
 * defaults (subscribe {@code authenticated}, publish {@code admins}, presence on, join/leave events
 * off), naming the field of the first problem; {@link #toNamespace} makes what the chat layer uses.
 * Unknown fields are refused where the document is read ({@code Json.readStrict}), so a misspelt
 * rule is an error, never a silently weaker namespace; later options (ephemeral history) are added
 * here as new fields.
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
    Boolean deleted) {

  /** A namespace as operators write it (not deleted). */
  public NamespaceDoc(
      String name, String subscribe, String publish, Boolean presence, Boolean joinLeaveEvents) {
    this(name, subscribe, publish, presence, joinLeaveEvents, null);
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
    return new NamespaceDoc(
        name,
        audience("subscribe", subscribe, Audience.AUTHENTICATED).wire(),
        audience("publish", publish, Audience.ADMINS).wire(),
        presence == null || presence,
        Boolean.TRUE.equals(joinLeaveEvents),
        null);
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
    return new NamespaceDoc(name, null, null, null, null, true);
  }

  /** Whether this is a deleted namespace's tombstone. */
  public boolean tombstoned() {
    return Boolean.TRUE.equals(deleted);
  }

  /** This document with {@code name}. */
  public NamespaceDoc withName(String n) {
    return new NamespaceDoc(n, subscribe, publish, presence, joinLeaveEvents, deleted);
  }

  /** What the chat layer uses (a checked document); null for a tombstone. */
  public Namespace toNamespace() {
    if (tombstoned()) {
      return null;
    }
    return new Namespace(
        name,
        Audience.ofWire(subscribe),
        Audience.ofWire(publish),
        Boolean.TRUE.equals(presence),
        Boolean.TRUE.equals(joinLeaveEvents));
  }
}
