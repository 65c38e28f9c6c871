package dev.parley.store.jdbc;

import dev.parley.chat.FileRecords;
import dev.parley.chat.StoredFile;
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
 * The {@link FileRecords} on the same database as the messages (SQLite or PostgreSQL): table {@code
 * files} (migrations V20, V22). An insert is {@code INSERT … ON CONFLICT DO NOTHING} on the unique
 * conversation, uploader and key, then a read of the row that holds, in one transaction.
 *
 * <p>Thread-safe; JDBC runs on {@link JdbcAccess}'s threads (or the SQLite writer's).
 */
public final class JdbcFileRecords implements FileRecords {
  private static final String COLUMNS =
      "id, site, conversation, uploader, idem_key, name, type, size, sha256, width, height, "
          + "thumbnail_id, created_at, duration, transcript, transcript_error";

  private final JdbcAccess db;

  private JdbcFileRecords(JdbcAccess db) {
    this.db = db;
  }

  /** On the SQLite file of {@code store} (already migrated): writes through its writer. */
  public static JdbcFileRecords onSqlite(SqliteMessageStore store) {
    return new JdbcFileRecords(JdbcAccess.onSqlite("files", store));
  }

  /** On PostgreSQL with the same options as the message store (already migrated). */
  public static JdbcFileRecords onPostgres(PostgresMessageStore.Options o) {
    return new JdbcFileRecords(JdbcAccess.onPostgres("files", o));
  }

  @Override
  public CompletableFuture<StoredFile> insert(StoredFile f) {
    return db.write(
        "files",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO files ("
                      + COLUMNS
                      + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            ps.setString(1, f.id());
            ps.setString(2, f.site());
            ps.setString(3, f.conversation());
            ps.setString(4, f.uploader());
            ps.setString(5, f.key());
            ps.setString(6, f.name());
            ps.setString(7, f.type());
            ps.setLong(8, f.size());
            ps.setString(9, f.sha256());
            setInt(ps, 10, f.width());
            setInt(ps, 11, f.height());
            ps.setString(12, f.thumbnailId());
            ps.setLong(13, f.createdAtMillis());
            if (f.duration() == null) {
              ps.setNull(14, Types.DOUBLE);
            } else {
              ps.setDouble(14, f.duration());
            }
            ps.setString(15, f.transcript());
            ps.setString(16, f.transcriptError());
            ps.executeUpdate();
          }
          return keyed(c, f.conversation(), f.uploader(), f.key())
              .orElseThrow(() -> new SQLException("file " + f.id() + " neither inserted nor held"));
        });
  }

  private static void setInt(PreparedStatement ps, int i, Integer v) throws SQLException {
    if (v == null) {
      ps.setNull(i, Types.INTEGER);
    } else {
      ps.setInt(i, v);
    }
  }

  @Override
  public CompletableFuture<Optional<StoredFile>> find(String id) {
    return db.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT " + COLUMNS + " FROM files WHERE id = ?")) {
            ps.setString(1, id);
            return one(ps);
          }
        });
  }

  @Override
  public CompletableFuture<Optional<StoredFile>> byKey(
      String conversation, String uploader, String key) {
    return db.read(c -> keyed(c, conversation, uploader, key));
  }

  private static Optional<StoredFile> keyed(
      Connection c, String conversation, String uploader, String key) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT "
                + COLUMNS
                + " FROM files WHERE conversation = ? AND uploader = ? AND idem_key = ?")) {
      ps.setString(1, conversation);
      ps.setString(2, uploader);
      ps.setString(3, key);
      return one(ps);
    }
  }

  @Override
  public CompletableFuture<List<StoredFile>> ofConversation(String conversation) {
    return db.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT "
                      + COLUMNS
                      + " FROM files WHERE conversation = ? ORDER BY created_at, id")) {
            ps.setString(1, conversation);
            List<StoredFile> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(row(rs));
              }
            }
            return out;
          }
        });
  }

  /** Counted on the unique index, whose first column is the conversation. */
  @Override
  public CompletableFuture<Integer> countOf(String conversation) {
    return db.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT COUNT(*) FROM files WHERE conversation = ?")) {
            ps.setString(1, conversation);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              return rs.getInt(1);
            }
          }
        });
  }

  @Override
  public CompletableFuture<Optional<StoredFile>> transcribed(
      String id, String transcript, String error) {
    return db.write(
        "files",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE files SET transcript = ?, transcript_error = ? WHERE id = ?")) {
            ps.setString(1, transcript);
            ps.setString(2, error);
            ps.setString(3, id);
            ps.executeUpdate();
          }
          try (PreparedStatement ps =
              c.prepareStatement("SELECT " + COLUMNS + " FROM files WHERE id = ?")) {
            ps.setString(1, id);
            return one(ps);
          }
        });
  }

  @Override
  public CompletableFuture<Boolean> delete(String id) {
    return db.write(
        "files",
        c -> {
          try (PreparedStatement ps = c.prepareStatement("DELETE FROM files WHERE id = ?")) {
            ps.setString(1, id);
            return ps.executeUpdate() == 1;
          }
        });
  }

  private static Optional<StoredFile> one(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.of(row(rs)) : Optional.empty();
    }
  }

  private static StoredFile row(ResultSet rs) throws SQLException {
    int w = rs.getInt(10);
    Integer width = rs.wasNull() ? null : w;
    int h = rs.getInt(11);
    Integer height = rs.wasNull() ? null : h;
    double d = rs.getDouble(14);
    Double duration = rs.wasNull() ? null : d;
    return new StoredFile(
        rs.getString(1),
        rs.getString(2),
        rs.getString(3),
        rs.getString(4),
        rs.getString(5),
        rs.getString(6),
        rs.getString(7),
        rs.getLong(8),
        rs.getString(9),
        width,
        height,
        rs.getString(12),
        rs.getLong(13),
        duration,
        rs.getString(15),
        rs.getString(16));
  }

  @Override
  public void close() {
    db.close();
  }
}
