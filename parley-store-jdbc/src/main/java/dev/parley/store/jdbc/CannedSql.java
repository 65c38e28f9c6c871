package dev.parley.store.jdbc;

import dev.parley.chat.CannedResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The canned responses of {@link JdbcChatStore}, table {@code canned_responses} ({@code V13}), on
 * its {@link JdbcAccess}. A save counts the site's responses and inserts in one transaction: on
 * SQLite the single writer orders it, on PostgreSQL a transaction-scoped advisory lock per site
 * does, so the limit per site holds across nodes.
 *
 * <p>Thread-safe; callers get futures.
 */
final class CannedSql {
  private final JdbcAccess db;

  CannedSql(JdbcAccess db) {
    this.db = db;
  }

  CompletableFuture<List<CannedResponse>> list(String site) {
    return db.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT shortcut, text, updated_by, updated_at FROM canned_responses "
                      + "WHERE site = ? ORDER BY shortcut")) {
            ps.setString(1, site);
            List<CannedResponse> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(
                    new CannedResponse(
                        site, rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)));
              }
            }
            return out;
          }
        });
  }

  CompletableFuture<CannedResponse.Saved> save(CannedResponse r, int maxPerSite) {
    return db.write(
        "canned:" + r.site(),
        c -> {
          if (!db.isSqlite()) {
            try (PreparedStatement lock =
                c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
              lock.setString(1, "parley-canned:" + r.site());
              lock.execute();
            }
          }
          boolean had = exists(c, r.site(), r.shortcut());
          if (!had && count(c, r.site()) >= maxPerSite) {
            return CannedResponse.Saved.FULL;
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO canned_responses (site, shortcut, text, updated_by, updated_at) "
                      + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (site, shortcut) DO UPDATE SET "
                      + "text = excluded.text, updated_by = excluded.updated_by, "
                      + "updated_at = excluded.updated_at")) {
            ps.setString(1, r.site());
            ps.setString(2, r.shortcut());
            ps.setString(3, r.text());
            ps.setString(4, r.updatedBy());
            ps.setLong(5, r.updatedAtMillis());
            ps.executeUpdate();
          }
          return had ? CannedResponse.Saved.UPDATED : CannedResponse.Saved.CREATED;
        });
  }

  CompletableFuture<Boolean> delete(String site, String shortcut) {
    return db.write(
        "canned:" + site,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM canned_responses WHERE site = ? AND shortcut = ?")) {
            ps.setString(1, site);
            ps.setString(2, shortcut);
            return ps.executeUpdate() > 0;
          }
        });
  }

  private static boolean exists(Connection c, String site, String shortcut) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT 1 FROM canned_responses WHERE site = ? AND shortcut = ?")) {
      ps.setString(1, site);
      ps.setString(2, shortcut);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static int count(Connection c, String site) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT COUNT(*) FROM canned_responses WHERE site = ?")) {
      ps.setString(1, site);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }
}
