package dev.parley.store.jdbc;

import dev.parley.chat.CannedResponse;
import dev.parley.chat.ChatConversation;
import dev.parley.chat.ChatStore;
import dev.parley.chat.ConversationStatus;
import dev.parley.chat.Rating;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The {@link ChatStore} on the same database as the messages (SQLite or PostgreSQL), table {@code
 * chat_conversations}.
 *
 * <p>Reads and writes go through {@link JdbcAccess}: on SQLite the writes ride the message store's
 * single writer, on PostgreSQL they are short transactions of their own.
 *
 * <p>The partial unique index on (site, visitor) for open conversations keeps "one open
 * conversation per visitor" true across nodes: a losing insert does nothing and finds the winner's
 * row. Status moves are compare-and-set ({@code UPDATE … WHERE status = ? RETURNING …}) and raise
 * the row's version.
 *
 * <p>Thread-safe. Blocking JDBC runs on its own platform threads (or the writer's); callers get
 * futures.
 */
public final class JdbcChatStore implements ChatStore {
  private static final String COLUMNS =
      "id, site, visitor, status, agent, created_at, updated_at, version, labels";

  private final JdbcAccess db;
  private final CannedSql canned;
  private final RatingSql ratings;

  private JdbcChatStore(JdbcAccess db) {
    this.db = db;
    this.canned = new CannedSql(db);
    this.ratings = new RatingSql(db);
  }

  /** On the SQLite file of {@code store} (already migrated): writes through its writer. */
  public static JdbcChatStore onSqlite(SqliteMessageStore store) {
    return new JdbcChatStore(JdbcAccess.onSqlite("chat", store));
  }

  /** On PostgreSQL with the same options as the message store (already migrated). */
  public static JdbcChatStore onPostgres(PostgresMessageStore.Options o) {
    return new JdbcChatStore(JdbcAccess.onPostgres("chat", o));
  }

  private <T> CompletableFuture<T> read(JdbcMessageStore.TxWork<T> work) {
    return db.read(work);
  }

  private <T> CompletableFuture<T> write(String key, JdbcMessageStore.TxWork<T> work) {
    return db.write(key, work);
  }

  private static ChatConversation row(ResultSet rs) throws SQLException {
    return new ChatConversation(
        rs.getString(1),
        rs.getString(2),
        rs.getString(3),
        ConversationStatus.ofWire(rs.getString(4)),
        rs.getString(5),
        rs.getLong(6),
        rs.getLong(7),
        rs.getLong(8),
        labels(rs.getString(9)));
  }

  /** Labels are kept space-separated, sorted ({@code V13}); none is an empty string. */
  private static List<String> labels(String column) {
    return column == null || column.isEmpty() ? List.of() : List.of(column.split(" "));
  }

  private static Optional<ChatConversation> one(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.of(row(rs)) : Optional.empty();
    }
  }

  private static Optional<ChatConversation> findOpen(Connection c, String site, String visitor)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT "
                + COLUMNS
                + " FROM chat_conversations WHERE site = ? AND visitor = ? AND status <> 'resolved'")) {
      ps.setString(1, site);
      ps.setString(2, visitor);
      return one(ps);
    }
  }

  @Override
  public CompletableFuture<Opened> open(String site, String visitor, String newId, long nowMillis) {
    return write(
        newId,
        c -> {
          Optional<ChatConversation> open = findOpen(c, site, visitor);
          if (open.isPresent()) {
            return new Opened(open.get(), false);
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO chat_conversations "
                      + "(id, site, visitor, status, agent, created_at, updated_at, version) VALUES (?,?,?,?,NULL,?,?,1) "
                      + "ON CONFLICT (site, visitor) WHERE status <> 'resolved' DO NOTHING")) {
            ps.setString(1, newId);
            ps.setString(2, site);
            ps.setString(3, visitor);
            ps.setString(4, ConversationStatus.BOT.wire());
            ps.setLong(5, nowMillis);
            ps.setLong(6, nowMillis);
            if (ps.executeUpdate() == 1) {
              return new Opened(ChatConversation.opened(newId, site, visitor, nowMillis), true);
            }
          }
          // Another node opened one at the same moment: the unique index kept it to one; use it.
          return new Opened(
              findOpen(c, site, visitor)
                  .orElseThrow(
                      () ->
                          new SQLException(
                              "no open conversation of "
                                  + visitor
                                  + " on "
                                  + site
                                  + " after a conflict")),
              false);
        });
  }

  @Override
  public CompletableFuture<Optional<ChatConversation>> latest(String site, String visitor) {
    return read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT "
                      + COLUMNS
                      + " FROM chat_conversations "
                      + "WHERE site = ? AND visitor = ? ORDER BY created_at DESC, id DESC LIMIT 1")) {
            ps.setString(1, site);
            ps.setString(2, visitor);
            return one(ps);
          }
        });
  }

  @Override
  public CompletableFuture<Optional<ChatConversation>> find(String id) {
    return read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT " + COLUMNS + " FROM chat_conversations WHERE id = ?")) {
            ps.setString(1, id);
            return one(ps);
          }
        });
  }

  @Override
  public CompletableFuture<Optional<ChatConversation>> transition(
      String id, ConversationStatus from, ConversationStatus to, String agent, long nowMillis) {
    return write(
        id,
        c -> {
          if (to != ConversationStatus.RESOLVED && from == ConversationStatus.RESOLVED) {
            // Reopening while the visitor already has another open conversation: refused, as the
            // index would.
            try (PreparedStatement ps =
                c.prepareStatement(
                    "SELECT 1 FROM chat_conversations o JOIN chat_conversations r "
                        + "ON o.site = r.site AND o.visitor = r.visitor WHERE r.id = ? AND o.id <> r.id AND o.status <> 'resolved'")) {
              ps.setString(1, id);
              try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                  return Optional.<ChatConversation>empty();
                }
              }
            }
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE chat_conversations SET status = ?, agent = ?, "
                      + "updated_at = ?, version = version + 1, "
                      + "handed_off_at = COALESCE(handed_off_at, ?), resolved_at = ? "
                      + "WHERE id = ? AND status = ? RETURNING "
                      + COLUMNS)) {
            boolean handedOff =
                to == ConversationStatus.QUEUED || to == ConversationStatus.ASSIGNED;
            ps.setString(1, to.wire());
            ps.setString(2, agent);
            ps.setLong(3, nowMillis);
            if (handedOff) {
              ps.setLong(4, nowMillis);
            } else {
              ps.setNull(4, Types.BIGINT);
            }
            if (to == ConversationStatus.RESOLVED) {
              ps.setLong(5, nowMillis);
            } else {
              ps.setNull(5, Types.BIGINT);
            }
            ps.setString(6, id);
            ps.setString(7, from.wire());
            return one(ps);
          }
        });
  }

  @Override
  public CompletableFuture<Optional<ChatConversation>> label(String id, List<String> labels) {
    return write(
        id,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE chat_conversations SET labels = ?, version = version + 1 "
                      + "WHERE id = ? RETURNING "
                      + COLUMNS)) {
            ps.setString(1, String.join(" ", labels));
            ps.setString(2, id);
            return one(ps);
          }
        });
  }

  @Override
  public CompletableFuture<List<ChatConversation>> list(String site, ConversationStatus status) {
    return read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT "
                      + COLUMNS
                      + " FROM chat_conversations WHERE site = ? AND status = ? ORDER BY updated_at, id")) {
            ps.setString(1, site);
            ps.setString(2, status.wire());
            List<ChatConversation> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(row(rs));
              }
            }
            return out;
          }
        });
  }

  @Override
  public CompletableFuture<Optional<ChatConversation>> reassign(
      String id, String fromAgent, String toAgent, long nowMillis) {
    return write(
        id,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE chat_conversations SET agent = ?, updated_at = ?, "
                      + "version = version + 1 WHERE id = ? AND status = 'assigned' AND agent = ? RETURNING "
                      + COLUMNS)) {
            ps.setString(1, toAgent);
            ps.setLong(2, nowMillis);
            ps.setString(3, id);
            ps.setString(4, fromAgent);
            return one(ps);
          }
        });
  }

  @Override
  public CompletableFuture<Long> agentTokensNotBefore(String user) {
    return read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT not_before FROM agent_revocations WHERE user_id = ?")) {
            ps.setString(1, user);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? rs.getLong(1) : 0L;
            }
          }
        });
  }

  @Override
  public CompletableFuture<Void> revokeAgentTokens(String user, long nowMillis) {
    return write(
        "agent:" + user,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO agent_revocations (user_id, not_before) VALUES (?, ?) "
                      + "ON CONFLICT (user_id) DO UPDATE SET not_before = excluded.not_before "
                      + "WHERE excluded.not_before > agent_revocations.not_before")) {
            ps.setString(1, user);
            ps.setLong(2, nowMillis);
            ps.executeUpdate();
            return null;
          }
        });
  }

  @Override
  public CompletableFuture<Void> rate(Rating rating) {
    return ratings.rate(rating);
  }

  @Override
  public CompletableFuture<Optional<Rating>> ratingOf(String id) {
    return ratings.ratingOf(id);
  }

  @Override
  public CompletableFuture<Rating.Counts> ratingCounts(String site, long fromMillis) {
    return ratings.ratingCounts(site, fromMillis);
  }

  @Override
  public CompletableFuture<List<ChatConversation>> ofVisitor(String site, String visitor) {
    return read(
        c ->
            many(
                c,
                "SELECT "
                    + COLUMNS
                    + " FROM chat_conversations WHERE site = ? AND visitor = ? ORDER BY created_at, id",
                site,
                visitor));
  }

  @Override
  public CompletableFuture<Boolean> forgetVisitor(String id) {
    return write(
        id,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE chat_ratings SET comment = NULL WHERE conversation_id = ?")) {
            ps.setString(1, id);
            ps.executeUpdate();
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE chat_conversations SET visitor = ?, labels = '', version = version + 1 "
                      + "WHERE id = ?")) {
            ps.setString(1, ChatStore.erasedVisitor(id));
            ps.setString(2, id);
            return ps.executeUpdate() == 1;
          }
        });
  }

  @Override
  public CompletableFuture<Boolean> delete(String id) {
    return write(
        id,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "DELETE FROM chat_ratings WHERE conversation_id = ? AND EXISTS (SELECT 1 FROM "
                      + "chat_conversations WHERE id = ? AND status = 'resolved')")) {
            ps.setString(1, id);
            ps.setString(2, id);
            ps.executeUpdate();
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE chat_conversations SET visitor = ?, agent = NULL, labels = '', "
                      + "version = version + 1 WHERE id = ? AND status = 'resolved' "
                      + "AND visitor <> ?")) {
            ps.setString(1, ChatStore.deletedVisitor(id));
            ps.setString(2, id);
            ps.setString(3, ChatStore.deletedVisitor(id));
            return ps.executeUpdate() == 1;
          }
        });
  }

  @Override
  public CompletableFuture<List<ChatConversation>> resolvedBefore(
      String site, long beforeMillis, int limit) {
    return read(
        c ->
            many(
                c,
                "SELECT "
                    + COLUMNS
                    + " FROM chat_conversations WHERE site = ? AND status = 'resolved' "
                    + "AND updated_at < ? AND visitor <> 'deleted:' || id "
                    + "ORDER BY updated_at, id LIMIT ?",
                site,
                beforeMillis,
                limit));
  }

  /** The rows {@code sql} selects with {@code args} (strings, longs or ints), in its order. */
  private static List<ChatConversation> many(Connection c, String sql, Object... args)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      List<ChatConversation> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(row(rs));
        }
      }
      return out;
    }
  }

  @Override
  public CompletableFuture<List<CannedResponse>> cannedResponses(String site) {
    return canned.list(site);
  }

  @Override
  public CompletableFuture<CannedResponse.Saved> saveCanned(CannedResponse r, int maxPerSite) {
    return canned.save(r, maxPerSite);
  }

  @Override
  public CompletableFuture<Boolean> deleteCanned(String site, String shortcut) {
    return canned.delete(site, shortcut);
  }

  @Override
  public void close() {
    db.close();
  }
}
