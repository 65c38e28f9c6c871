package dev.parley.store.jdbc;

import dev.parley.chat.ConfigStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The {@link ConfigStore} on the same database as the messages (SQLite or PostgreSQL): tables
 * {@code config_entries}, {@code config_version} and {@code config_audit} (migration V7).
 *
 * <p>A change is one transaction: it first reads the single row of {@code config_version} (on
 * PostgreSQL {@code FOR UPDATE}, which holds configuration changes of every node one after another
 * until commit; SQLite has one writer), then checks the entry's version (compare-and-set), and only
 * if it matches raises the deployment version, writes the entry with it and appends the audit
 * record. A losing compare-and-set writes nothing.
 *
 * <p>Thread-safe; JDBC runs on {@link JdbcAccess}'s threads (or the SQLite writer's).
 */
public final class JdbcConfigStore implements ConfigStore {
  private final JdbcAccess db;

  private JdbcConfigStore(JdbcAccess db) {
    this.db = db;
  }

  /** On the SQLite file of {@code store} (already migrated): writes through its writer. */
  public static JdbcConfigStore onSqlite(SqliteMessageStore store) {
    return new JdbcConfigStore(JdbcAccess.onSqlite("config", store));
  }

  /** On PostgreSQL with the same options as the message store (already migrated). */
  public static JdbcConfigStore onPostgres(PostgresMessageStore.Options o) {
    return new JdbcConfigStore(JdbcAccess.onPostgres("config", o));
  }

  @Override
  public CompletableFuture<Snapshot> load() {
    return db.read(
        c -> {
          c.setAutoCommit(false); // one consistent view of entries and version (PostgreSQL)
          try {
            List<Entry> entries = new ArrayList<>();
            try (PreparedStatement ps =
                    c.prepareStatement(
                        "SELECT kind, id, version, body, updated_at FROM config_entries ORDER BY kind, id");
                ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                entries.add(entry(rs));
              }
            }
            long v = version(c);
            c.commit();
            return new Snapshot(entries, v);
          } finally {
            c.setAutoCommit(true);
          }
        });
  }

  private static Entry entry(ResultSet rs) throws SQLException {
    return new Entry(
        Kind.ofWire(rs.getString(1)),
        rs.getString(2),
        rs.getLong(3),
        rs.getString(4),
        rs.getLong(5));
  }

  private static long version(Connection c) throws SQLException {
    try (PreparedStatement ps =
            c.prepareStatement("SELECT version FROM config_version WHERE singleton = 1");
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  @Override
  public CompletableFuture<Long> version() {
    return db.read(JdbcConfigStore::version);
  }

  @Override
  public CompletableFuture<Optional<Entry>> find(Kind kind, String id) {
    return db.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT kind, id, version, body, updated_at FROM config_entries WHERE kind = ? AND id = ?")) {
            ps.setString(1, kind.wire());
            ps.setString(2, id);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(entry(rs)) : Optional.<Entry>empty();
            }
          }
        });
  }

  @Override
  public CompletableFuture<Optional<Entry>> put(
      Kind kind, String id, String body, long expected, Audit a) {
    return db.write(
        "config",
        c -> {
          // PostgreSQL: lock the version row until commit, so configuration changes of every node
          // happen
          // one after another (SQLite has one writer anyway).
          long v;
          try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT version FROM config_version WHERE singleton = 1"
                          + (db.isSqlite() ? "" : " FOR UPDATE"));
              ResultSet rs = ps.executeQuery()) {
            rs.next();
            v = rs.getLong(1) + 1;
          }
          long current = 0;
          try (PreparedStatement ps =
              c.prepareStatement("SELECT version FROM config_entries WHERE kind = ? AND id = ?")) {
            ps.setString(1, kind.wire());
            ps.setString(2, id);
            try (ResultSet rs = ps.executeQuery()) {
              if (rs.next()) {
                current = rs.getLong(1);
              }
            }
          }
          if (current != expected) {
            return Optional.<Entry>empty(); // nothing written
          }
          try (PreparedStatement ps =
              c.prepareStatement("UPDATE config_version SET version = ? WHERE singleton = 1")) {
            ps.setLong(1, v);
            ps.executeUpdate();
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO config_entries (kind, id, version, body, updated_at) "
                      + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (kind, id) DO UPDATE SET version = excluded.version, "
                      + "body = excluded.body, updated_at = excluded.updated_at")) {
            ps.setString(1, kind.wire());
            ps.setString(2, id);
            ps.setLong(3, v);
            ps.setString(4, body);
            ps.setLong(5, a.atMillis());
            ps.executeUpdate();
          }
          insertAudit(c, a);
          return Optional.of(new Entry(kind, id, v, body, a.atMillis()));
        });
  }

  @Override
  public CompletableFuture<Void> record(Audit a) {
    return db.write(
        "config",
        c -> {
          insertAudit(c, a);
          return null;
        });
  }

  private static void insertAudit(Connection c, Audit a) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO config_audit (at, actor, action, kind, entity, detail) VALUES (?, ?, ?, ?, ?, ?)")) {
      ps.setLong(1, a.atMillis());
      ps.setString(2, a.actor());
      ps.setString(3, a.action());
      ps.setString(4, a.kind().wire());
      ps.setString(5, a.id());
      ps.setString(6, a.detail());
      ps.executeUpdate();
    }
  }

  @Override
  public CompletableFuture<List<Audit>> audit(int limit, long beforeMillis) {
    return db.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT at, actor, action, kind, entity, detail FROM config_audit "
                      + "WHERE at < ? ORDER BY at DESC, id DESC LIMIT ?")) {
            ps.setLong(1, beforeMillis);
            ps.setInt(2, limit);
            List<Audit> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(
                    new Audit(
                        rs.getLong(1),
                        rs.getString(2),
                        rs.getString(3),
                        Kind.ofWire(rs.getString(4)),
                        rs.getString(5),
                        rs.getString(6)));
              }
            }
            return out;
          }
        });
  }

  @Override
  public void close() {
    db.close();
  }
}
