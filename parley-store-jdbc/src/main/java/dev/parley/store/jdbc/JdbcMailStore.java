package dev.parley.store.jdbc;

import dev.parley.chat.MailStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The {@link MailStore} on the same database as the messages (SQLite or PostgreSQL): tables {@code
 * mail_contacts} and {@code mail_outbox} (migration V12).
 *
 * <p>A claim is one transaction: it selects due pending mails (unleased or with the lease run out;
 * on PostgreSQL {@code FOR UPDATE SKIP LOCKED}, so two nodes claiming at once take different rows)
 * and leases each with a compare-and-set update. A settle matches only while the caller holds the
 * lease. A batched reply appends to the pending, untried, unleased reply mail of the conversation
 * with one update that checks those conditions again on the row it changes.
 *
 * <p>Thread-safe; JDBC runs on {@link JdbcAccess}'s threads (or the SQLite writer's).
 */
public final class JdbcMailStore implements MailStore {
  private static final String COLUMNS =
      "seq, id, site, conversation, kind, recipient, subject, body, status, attempts, created_at, "
          + "due_at, updated_at, last_error";
  private static final String UNTRIED_REPLY =
      "status = 'pending' AND attempts = 0 AND lease_owner IS NULL AND kind = 'reply'";

  private final JdbcAccess db;

  private JdbcMailStore(JdbcAccess db) {
    this.db = db;
  }

  /** On the SQLite file of {@code store} (already migrated): writes through its writer. */
  public static JdbcMailStore onSqlite(SqliteMessageStore store) {
    return new JdbcMailStore(JdbcAccess.onSqlite("mail", store));
  }

  /** On PostgreSQL with the same options as the message store (already migrated). */
  public static JdbcMailStore onPostgres(PostgresMessageStore.Options o) {
    return new JdbcMailStore(JdbcAccess.onPostgres("mail", o));
  }

  @Override
  public CompletableFuture<Void> setContact(
      String conversation, String site, String email, long atMillis) {
    return db.write(
        "mail",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO mail_contacts (conversation_id, site, email, updated_at) "
                      + "VALUES (?, ?, ?, ?) ON CONFLICT (conversation_id) DO UPDATE SET "
                      + "email = excluded.email, updated_at = excluded.updated_at")) {
            ps.setString(1, conversation);
            ps.setString(2, site);
            ps.setString(3, email);
            ps.setLong(4, atMillis);
            ps.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public CompletableFuture<Integer> forget(String conversation) {
    return db.write(
        "mail",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM mail_contacts WHERE conversation_id = ?")) {
            ps.setString(1, conversation);
            ps.executeUpdate();
          }
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM mail_outbox WHERE conversation = ?")) {
            ps.setString(1, conversation);
            return ps.executeUpdate();
          }
        });
  }

  @Override
  public CompletableFuture<Optional<String>> contactOf(String conversation) {
    return db.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT email FROM mail_contacts WHERE conversation_id = ?")) {
            ps.setString(1, conversation);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
          }
        });
  }

  @Override
  public CompletableFuture<Boolean> queue(NewMail n, String batchText) {
    return db.write(
        "mail",
        c -> {
          if (batchText != null && n.refused() == null) {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "UPDATE mail_outbox SET body = body || ?, updated_at = ? WHERE "
                        + UNTRIED_REPLY
                        + " AND seq = (SELECT MIN(seq) FROM mail_outbox WHERE conversation = ? AND "
                        + UNTRIED_REPLY
                        + ")")) {
              ps.setString(1, "\n\n" + batchText);
              ps.setLong(2, n.createdAtMillis());
              ps.setString(3, n.conversation());
              if (ps.executeUpdate() == 1) {
                return false;
              }
            }
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO mail_outbox (id, site, conversation, kind, recipient, subject, body, "
                      + "status, attempts, created_at, due_at, updated_at, last_error) "
                      + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)")) {
            ps.setString(1, n.id());
            ps.setString(2, n.site());
            ps.setString(3, n.conversation());
            ps.setString(4, n.kind().wire());
            ps.setString(5, n.to());
            ps.setString(6, n.subject());
            ps.setString(7, n.text());
            ps.setString(8, (n.refused() == null ? Status.PENDING : Status.FAILED).wire());
            ps.setLong(9, n.createdAtMillis());
            ps.setLong(10, n.dueAtMillis());
            ps.setLong(11, n.createdAtMillis());
            ps.setString(12, n.refused());
            ps.executeUpdate();
          }
          return true;
        });
  }

  @Override
  public CompletableFuture<Integer> count(
      String site, String conversation, Kind kind, long sinceMillis) {
    return db.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT COUNT(*) FROM mail_outbox WHERE site = ? AND created_at >= ?"
                      + (conversation == null ? "" : " AND conversation = ?")
                      + (kind == null ? "" : " AND kind = ?"))) {
            int i = 1;
            ps.setString(i++, site);
            ps.setLong(i++, sinceMillis);
            if (conversation != null) {
              ps.setString(i++, conversation);
            }
            if (kind != null) {
              ps.setString(i, kind.wire());
            }
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              return rs.getInt(1);
            }
          }
        });
  }

  @Override
  public CompletableFuture<List<Mail>> claim(
      String owner, long nowMillis, Duration lease, int limit) {
    return db.write(
        "mail",
        c -> {
          List<Mail> due = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT "
                      + COLUMNS
                      + " FROM mail_outbox WHERE status = 'pending' AND due_at <= ? "
                      + "AND (lease_owner IS NULL OR lease_until <= ?) ORDER BY seq LIMIT ?"
                      + (db.isSqlite() ? "" : " FOR UPDATE SKIP LOCKED"))) {
            ps.setLong(1, nowMillis);
            ps.setLong(2, nowMillis);
            ps.setInt(3, limit);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                due.add(mail(rs));
              }
            }
          }
          List<Mail> claimed = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE mail_outbox SET lease_owner = ?, lease_until = ? WHERE id = ? "
                      + "AND status = 'pending' AND (lease_owner IS NULL OR lease_until <= ?)")) {
            for (Mail m : due) {
              ps.setString(1, owner);
              ps.setLong(2, nowMillis + lease.toMillis());
              ps.setString(3, m.id());
              ps.setLong(4, nowMillis);
              if (ps.executeUpdate() == 1) {
                claimed.add(m);
              }
            }
          }
          return claimed;
        });
  }

  @Override
  public CompletableFuture<Boolean> settle(String id, String owner, Attempt a) {
    return db.write(
        "mail",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE mail_outbox SET status = ?, attempts = attempts + 1, due_at = ?, "
                      + "updated_at = ?, last_error = ?, lease_owner = NULL, lease_until = NULL "
                      + "WHERE id = ? AND lease_owner = ? AND status = 'pending'")) {
            ps.setString(1, a.status().wire());
            ps.setLong(2, a.dueAtMillis());
            ps.setLong(3, a.atMillis());
            ps.setString(4, a.lastError());
            ps.setString(5, id);
            ps.setString(6, owner);
            return ps.executeUpdate() == 1;
          }
        });
  }

  @Override
  public CompletableFuture<Integer> release(String owner) {
    return db.write(
        "mail",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE mail_outbox SET lease_owner = NULL, lease_until = NULL "
                      + "WHERE lease_owner = ? AND status = 'pending'")) {
            ps.setString(1, owner);
            return ps.executeUpdate();
          }
        });
  }

  @Override
  public CompletableFuture<List<Mail>> list(String site, int limit, long beforeSeq) {
    return db.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT "
                      + COLUMNS
                      + " FROM mail_outbox WHERE site = ? AND seq < ? ORDER BY seq DESC LIMIT ?")) {
            ps.setString(1, site);
            ps.setLong(2, beforeSeq);
            ps.setInt(3, limit);
            List<Mail> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(mail(rs));
              }
            }
            return out;
          }
        });
  }

  @Override
  public CompletableFuture<Integer> prune(long beforeMillis) {
    return db.deleteInBatches(
        "mail",
        "DELETE FROM mail_outbox WHERE id IN (SELECT id FROM mail_outbox"
            + " WHERE status <> 'pending' AND updated_at < ? LIMIT ?)",
        beforeMillis,
        JdbcAccess.DELETE_BATCH);
  }

  private static Mail mail(ResultSet rs) throws SQLException {
    return new Mail(
        rs.getLong(1),
        rs.getString(2),
        rs.getString(3),
        rs.getString(4),
        Kind.ofWire(rs.getString(5)),
        rs.getString(6),
        rs.getString(7),
        rs.getString(8),
        Status.ofWire(rs.getString(9)),
        rs.getInt(10),
        rs.getLong(11),
        rs.getLong(12),
        rs.getLong(13),
        rs.getString(14));
  }

  @Override
  public void close() {
    db.close();
  }
}
