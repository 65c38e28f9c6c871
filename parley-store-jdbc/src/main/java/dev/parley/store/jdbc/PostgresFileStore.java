package dev.parley.store.jdbc;

import dev.parley.chat.FileStore;
import dev.parley.core.StoreException;
import java.io.ByteArrayOutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The {@link FileStore} of a cluster: files' bytes in PostgreSQL (table {@code file_blobs},
 * migration V20), so every node serves every file with no shared disk. A file is stored as chunks
 * of {@link #CHUNK} bytes, all in one transaction (a reader sees all of it or nothing); a read of a
 * range selects only the chunks that hold it.
 *
 * <p>Thread-safe; blocks (its callers run it on virtual threads), on {@link JdbcAccess}'s pool.
 */
public final class PostgresFileStore implements FileStore {
  /** The bytes per row: a range read costs at most two chunks more than it needs. */
  static final int CHUNK = 256 * 1024;

  private final JdbcAccess db;

  private PostgresFileStore(JdbcAccess db) {
    this.db = db;
  }

  /** On PostgreSQL with the same options as the message store (already migrated). */
  public static PostgresFileStore open(PostgresMessageStore.Options o) {
    return new PostgresFileStore(JdbcAccess.onPostgres("file-bytes", o));
  }

  @Override
  public void put(String id, byte[] bytes) {
    FileStore.checkedId(id);
    join(
        db.write(
            id,
            c -> {
              if (exists(c, id)) {
                throw new IllegalStateException("file " + id + " already exists");
              }
              try (PreparedStatement ps =
                  c.prepareStatement("INSERT INTO file_blobs (id, chunk, data) VALUES (?, ?, ?)")) {
                int n = 0;
                for (int from = 0; from < bytes.length || n == 0; from += CHUNK) {
                  ps.setString(1, id);
                  ps.setInt(2, n++);
                  ps.setBytes(
                      3, Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + CHUNK)));
                  ps.addBatch();
                }
                ps.executeBatch();
              }
              return null;
            }));
  }

  private static boolean exists(Connection c, String id) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT 1 FROM file_blobs WHERE id = ? AND chunk = 0")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  @Override
  public Optional<byte[]> read(String id, long offset, int length) {
    FileStore.checkedId(id);
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException("negative offset or length");
    }
    return join(
        db.read(
            c -> {
              if (!exists(c, id)) {
                return Optional.<byte[]>empty();
              }
              long first = offset / CHUNK;
              long last = (offset + Math.max(length, 1) - 1) / CHUNK;
              ByteArrayOutputStream out = new ByteArrayOutputStream();
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT chunk, data FROM file_blobs WHERE id = ? AND chunk BETWEEN ? AND ? "
                          + "ORDER BY chunk")) {
                ps.setString(1, id);
                ps.setLong(2, first);
                ps.setLong(3, Math.min(last, Integer.MAX_VALUE));
                try (ResultSet rs = ps.executeQuery()) {
                  while (rs.next()) {
                    long at = (long) rs.getInt(1) * CHUNK;
                    byte[] data = rs.getBytes(2);
                    int from = (int) Math.max(0, offset - at);
                    int to = (int) Math.min(data.length, offset + length - at);
                    if (to > from) {
                      out.write(data, from, to - from);
                    }
                  }
                }
              }
              return Optional.of(out.toByteArray());
            }));
  }

  @Override
  public boolean delete(String id) {
    FileStore.checkedId(id);
    return join(
        db.write(
            id,
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement("DELETE FROM file_blobs WHERE id = ?")) {
                ps.setString(1, id);
                return ps.executeUpdate() > 0;
              }
            }));
  }

  private static <T> T join(CompletableFuture<T> f) {
    try {
      return f.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new StoreException("file store: " + e.getCause(), e.getCause());
    }
  }

  @Override
  public void close() {
    db.close();
  }
}
