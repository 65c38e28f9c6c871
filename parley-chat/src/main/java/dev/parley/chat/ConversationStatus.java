package dev.parley.chat;

import java.util.Locale;

/**
 * Where a chat conversation stands. The allowed moves (each stored as a system message that every
 * participant sees in order):
 *
 * <pre>
 *   BOT ──handoff──▶ QUEUED ──accept──▶ ASSIGNED ──resolve──▶ RESOLVED
 *    │ ▲                 │                   ▲ │                     │
 *    │ └── back to bot ──┴───────────────────┘ │  new visitor message (reopen)
 *    └──────── an agent takes over ────────────┘
 * </pre>
 */
public enum ConversationStatus {
  /** The bot answers. */
  BOT,
  /** Waiting for an agent. */
  QUEUED,
  /** An agent talks with the visitor; the bot is quiet. */
  ASSIGNED,
  /** Closed; a new visitor message reopens it with the bot. */
  RESOLVED;

  /** The name on the wire. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses the wire name. */
  public static ConversationStatus ofWire(String s) {
    return valueOf(s.toUpperCase(Locale.ROOT));
  }

  /** Whether moving from this status to {@code next} is allowed. */
  public boolean canMoveTo(ConversationStatus next) {
    return switch (this) {
      case BOT -> next == QUEUED || next == ASSIGNED || next == RESOLVED;
      case QUEUED -> next == ASSIGNED || next == BOT || next == RESOLVED;
      case ASSIGNED -> next == RESOLVED || next == BOT || next == QUEUED;
      case RESOLVED -> next == BOT;
    };
  }
}
