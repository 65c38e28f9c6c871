package dev.parley.store.jdbc;

import dev.parley.chat.VisitorContext;
import dev.parley.chat.VisitorContextStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The {@link VisitorContextStore} on the same database as the messages (SQLite or PostgreSQL):
 * tables {@code visitor_context} (the page and browser fields) and {@code visitor_fields} (the
 * identity claims and the pre-chat answers, one row each), migration V16. Each save is one
 * transaction: the row is upserted, and the fields of its source replaced.
 *
 * <p>Thread-safe; JDBC runs on {@link JdbcAccess}'s threads (or the SQLite writer's).
 */
public final class JdbcVisitorContextStore implements VisitorContextStore, AutoCloseable {
  private static final String IDENTITY = "identity";
  private static final String PRECHAT = "prechat";

  private final JdbcAccess db;

  private JdbcVisitorContextStore(JdbcAccess db) {
    this.db = db;
  }

  /** On the SQLite file of {@code store} (already migrated): writes through its writer. */
  public static JdbcVisitorContextStore onSqlite(SqliteMessageStore store) {
    return new JdbcVisitorContextStore(JdbcAccess.onSqlite("visitor context", store));
  }

  /** On PostgreSQL with the same options as the message store (already migrated). */
  public static JdbcVisitorContextStore onPostgres(PostgresMessageStore.Options o) {
    return new JdbcVisitorContextStore(JdbcAccess.onPostgres("visitor context", o));
  }

  @Override
  public CompletableFuture<Void> savePage(VisitorContext v) {
    return db.write(
        "visitor:" + v.conversation(),
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO visitor_context (conversation_id, site, visitor, url, title,"
                      + " referrer, lang, user_agent, time_zone, utc_offset_minutes, updated_at)"
                      + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (conversation_id)"
                      + " DO UPDATE SET url = excluded.url, title = excluded.title,"
                      + " referrer = excluded.referrer, lang = excluded.lang,"
                      + " user_agent = excluded.user_agent, time_zone = excluded.time_zone,"
                      + " utc_offset_minutes = excluded.utc_offset_minutes,"
                      + " updated_at = excluded.updated_at")) {
            ps.setString(1, v.conversation());
            ps.setString(2, v.site());
            ps.setString(3, v.visitor());
            ps.setString(4, v.url());
            ps.setString(5, v.title());
            ps.setString(6, v.referrer());
            ps.setString(7, v.lang());
            ps.setString(8, v.userAgent());
            ps.setString(9, v.timeZone());
            if (v.utcOffsetMinutes() == null) {
              ps.setNull(10, Types.INTEGER);
            } else {
              ps.setInt(10, v.utcOffsetMinutes());
            }
            ps.setLong(11, v.updatedAtMillis());
            ps.executeUpdate();
          }
          replaceFields(c, v.conversation(), IDENTITY, v.identity());
          return null;
        });
  }

  @Override
  public CompletableFuture<Void> savePrechat(
      String conversation,
      String site,
      String visitor,
      Map<String, String> answers,
      long atMillis) {
    return db.write(
        "visitor:" + conversation,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO visitor_context (conversation_id, site, visitor, updated_at)"
                      + " VALUES (?, ?, ?, ?) ON CONFLICT (conversation_id) DO NOTHING")) {
            ps.setString(1, conversation);
            ps.setString(2, site);
            ps.setString(3, visitor);
            ps.setLong(4, atMillis);
            ps.executeUpdate();
          }
          replaceFields(c, conversation, PRECHAT, answers);
          return null;
        });
  }

  private static void replaceFields(
      Connection c, String conversation, String source, Map<String, String> fields)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("DELETE FROM visitor_fields WHERE conversation_id = ? AND source = ?")) {
      ps.setString(1, conversation);
      ps.setString(2, source);
      ps.executeUpdate();
    }
    if (fields.isEmpty()) {
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO visitor_fields (conversation_id, source, position, name, value)"
                + " VALUES (?, ?, ?, ?, ?)")) {
      int i = 0;
      for (Map.Entry<String, String> e : fields.entrySet()) {
        ps.setString(1, conversation);
        ps.setString(2, source);
        ps.setInt(3, i++);
        ps.setString(4, e.getKey());
        ps.setString(5, e.getValue());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  @Override
  public CompletableFuture<Optional<VisitorContext>> of(String conversation) {
    return db.read(
        c -> {
          Map<String, String> identity = new LinkedHashMap<>();
          Map<String, String> prechat = new LinkedHashMap<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT source, name, value FROM visitor_fields WHERE conversation_id = ?"
                      + " ORDER BY source, position")) {
            ps.setString(1, conversation);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                (IDENTITY.equals(rs.getString(1)) ? identity : prechat)
                    .put(rs.getString(2), rs.getString(3));
              }
            }
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT site, visitor, url, title, referrer, lang, user_agent, time_zone,"
                      + " utc_offset_minutes, updated_at FROM visitor_context"
                      + " WHERE conversation_id = ?")) {
            ps.setString(1, conversation);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                return Optional.empty();
              }
              int offset = rs.getInt(9);
              Integer utcOffset = rs.wasNull() ? null : offset;
              return Optional.of(
                  new VisitorContext(
                      conversation,
                      rs.getString(1),
                      rs.getString(2),
                      rs.getString(3),
                      rs.getString(4),
                      rs.getString(5),
                      rs.getString(6),
                      rs.getString(7),
                      rs.getString(8),
                      utcOffset,
                      identity,
                      prechat,
                      rs.getLong(10)));
            }
          }
        });
  }

  @Override
  public CompletableFuture<Integer> forget(String conversation) {
    return db.write(
        "visitor:" + conversation,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM visitor_fields WHERE conversation_id = ?")) {
            ps.setString(1, conversation);
            ps.executeUpdate();
          }
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM visitor_context WHERE conversation_id = ?")) {
            ps.setString(1, conversation);
            return ps.executeUpdate();
          }
        });
  }

  @Override
  public void close() {
    db.close();
  }
}
