package dev.parley.store.jdbc;

import dev.parley.chat.DeliveryStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The {@link DeliveryStore} on the same database as the messages (SQLite or PostgreSQL): table
 * {@code webhook_deliveries} (migration V9).
 *
 * <p>A claim is one transaction: it selects the due heads (the oldest pending delivery of each
 * site, webhook and conversation, unleased or with its lease run out; on PostgreSQL {@code FOR
 * UPDATE SKIP LOCKED}, so two nodes claiming at once take different rows) and leases each with a
 * compare-and-set update, so a row another node leased meanwhile is skipped. A settle is an update
 * that matches only while the caller holds the lease.
 *
 * <p>Thread-safe; JDBC runs on {@link JdbcAccess}'s threads (or the SQLite writer's).
 */
public final class JdbcDeliveryStore implements DeliveryStore {
  private static final String COLUMNS =
      "seq, id, site, webhook, conversation, event, body, status, attempts, created_at, due_at, "
          + "updated_at, last_error, response_code";

  private final JdbcAccess db;

  private JdbcDeliveryStore(JdbcAccess db) {
    this.db = db;
  }

  /** On the SQLite file of {@code store} (already migrated): writes through its writer. */
  public static JdbcDeliveryStore onSqlite(SqliteMessageStore store) {
    return new JdbcDeliveryStore(JdbcAccess.onSqlite("deliveries", store));
  }

  /** On PostgreSQL with the same options as the message store (already migrated). */
  public static JdbcDeliveryStore onPostgres(PostgresMessageStore.Options o) {
    return new JdbcDeliveryStore(JdbcAccess.onPostgres("deliveries", o));
  }

  @Override
  public CompletableFuture<Void> add(List<NewDelivery> deliveries) {
    if (deliveries.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    return db.write(
        "deliveries",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO webhook_deliveries (id, site, webhook, conversation, event, body, "
                      + "status, attempts, created_at, due_at, updated_at) "
                      + "VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?)")) {
            for (NewDelivery n : deliveries) {
              ps.setString(1, n.id());
              ps.setString(2, n.site());
              ps.setString(3, n.webhook());
              ps.setString(4, n.conversation());
              ps.setString(5, n.event());
              ps.setString(6, n.body());
              ps.setLong(7, n.createdAtMillis());
              ps.setLong(8, n.createdAtMillis());
              ps.setLong(9, n.createdAtMillis());
              ps.executeUpdate(); // one by one: seq follows the list's order
            }
          }
          return null;
        });
  }

  @Override
  public CompletableFuture<List<Delivery>> claim(
      String owner, long nowMillis, Duration lease, int limit) {
    return db.write(
        "deliveries",
        c -> {
          List<Delivery> heads = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT "
                      + COLUMNS
                      + " FROM webhook_deliveries d WHERE d.status = 'pending' AND d.due_at <= ? "
                      + "AND (d.lease_owner IS NULL OR d.lease_until <= ?) AND NOT EXISTS ("
                      + "SELECT 1 FROM webhook_deliveries e WHERE e.site = d.site "
                      + "AND e.webhook = d.webhook AND e.conversation = d.conversation "
                      + "AND e.status = 'pending' AND e.seq < d.seq) ORDER BY d.seq LIMIT ?"
                      + (db.isSqlite() ? "" : " FOR UPDATE SKIP LOCKED"))) {
            ps.setLong(1, nowMillis);
            ps.setLong(2, nowMillis);
            ps.setInt(3, limit);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                heads.add(delivery(rs));
              }
            }
          }
          List<Delivery> claimed = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE webhook_deliveries SET lease_owner = ?, lease_until = ? WHERE id = ? "
                      + "AND status = 'pending' AND (lease_owner IS NULL OR lease_until <= ?)")) {
            for (Delivery d : heads) {
              ps.setString(1, owner);
              ps.setLong(2, nowMillis + lease.toMillis());
              ps.setString(3, d.id());
              ps.setLong(4, nowMillis);
              if (ps.executeUpdate() == 1) {
                claimed.add(d);
              }
            }
          }
          return claimed;
        });
  }

  @Override
  public CompletableFuture<Boolean> settle(String id, String owner, Attempt a) {
    return db.write(
        "deliveries",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE webhook_deliveries SET status = ?, attempts = attempts + 1, due_at = ?, "
                      + "updated_at = ?, last_error = ?, response_code = ?, lease_owner = NULL, "
                      + "lease_until = NULL WHERE id = ? AND lease_owner = ? AND status = 'pending'")) {
            ps.setString(1, a.status().wire());
            ps.setLong(2, a.dueAtMillis());
            ps.setLong(3, a.atMillis());
            ps.setString(4, a.lastError());
            if (a.responseCode() == null) {
              ps.setNull(5, Types.INTEGER);
            } else {
              ps.setInt(5, a.responseCode());
            }
            ps.setString(6, id);
            ps.setString(7, owner);
            return ps.executeUpdate() == 1;
          }
        });
  }

  @Override
  public CompletableFuture<Integer> release(String owner) {
    return db.write(
        "deliveries",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE webhook_deliveries SET lease_owner = NULL, lease_until = NULL "
                      + "WHERE lease_owner = ? AND status = 'pending'")) {
            ps.setString(1, owner);
            return ps.executeUpdate();
          }
        });
  }

  @Override
  public CompletableFuture<List<Delivery>> list(String site, int limit, long beforeSeq) {
    return db.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT "
                      + COLUMNS
                      + " FROM webhook_deliveries WHERE site = ? AND seq < ? "
                      + "ORDER BY seq DESC LIMIT ?")) {
            ps.setString(1, site);
            ps.setLong(2, beforeSeq);
            ps.setInt(3, limit);
            List<Delivery> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(delivery(rs));
              }
            }
            return out;
          }
        });
  }

  @Override
  public CompletableFuture<Integer> prune(long beforeMillis) {
    return db.deleteInBatches(
        "deliveries",
        "DELETE FROM webhook_deliveries WHERE id IN (SELECT id FROM webhook_deliveries"
            + " WHERE status <> 'pending' AND updated_at < ? LIMIT ?)",
        beforeMillis,
        JdbcAccess.DELETE_BATCH);
  }

  @Override
  public CompletableFuture<Integer> deleteConversation(String conversation) {
    return db.write(
        "deliveries",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM webhook_deliveries WHERE conversation = ?")) {
            ps.setString(1, conversation);
            return ps.executeUpdate();
          }
        });
  }

  private static Delivery delivery(ResultSet rs) throws SQLException {
    int code = rs.getInt(14);
    Integer responseCode = rs.wasNull() ? null : code;
    return new Delivery(
        rs.getLong(1),
        rs.getString(2),
        rs.getString(3),
        rs.getString(4),
        rs.getString(5),
        rs.getString(6),
        rs.getString(7),
        Status.ofWire(rs.getString(8)),
        rs.getInt(9),
        rs.getLong(10),
        rs.getLong(11),
        rs.getLong(12),
        rs.getString(13),
        responseCode);
  }

  @Override
  public void close() {
    db.close();
  }
}
