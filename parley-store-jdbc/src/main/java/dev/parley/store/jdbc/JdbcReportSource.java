package dev.parley.store.jdbc;

import dev.parley.chat.ReportSource;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The {@link ReportSource} on the messages' database (SQLite or PostgreSQL): conversations'
 * milestones from {@code chat_conversations} (index {@code chat_conversations_by_opening}), an
 * agent's first message from {@code messages}, ratings from {@code chat_ratings}.
 *
 * <p>The first response is read per handed-off conversation by its primary key (conversation, seq):
 * a report's cost grows with the messages of the conversations it covers, which is why a report is
 * bounded in days and conversations ({@code ReportsApi}).
 *
 * <p>Thread-safe. Reads run on {@link JdbcAccess}'s threads; callers get futures.
 */
public final class JdbcReportSource implements ReportSource {
  private final JdbcAccess db;

  private JdbcReportSource(JdbcAccess db) {
    this.db = db;
  }

  /** On the SQLite file of {@code store} (already migrated). */
  public static JdbcReportSource onSqlite(SqliteMessageStore store) {
    return new JdbcReportSource(JdbcAccess.onSqlite("reports", store));
  }

  /** On PostgreSQL with the same options as the message store (already migrated). */
  public static JdbcReportSource onPostgres(PostgresMessageStore.Options o) {
    return new JdbcReportSource(JdbcAccess.onPostgres("reports", o));
  }

  @Override
  public CompletableFuture<List<ConversationTimes>> conversations(
      String site, long fromMillis, long toMillis, int limit) {
    return db.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT c.id, c.created_at, c.handed_off_at, c.resolved_at, "
                      + "CASE WHEN c.handed_off_at IS NULL THEN NULL ELSE "
                      + "(SELECT MIN(m.created_at) FROM messages m WHERE m.conversation = c.id "
                      + "AND m.kind = 'text' AND m.sender <> c.visitor "
                      + "AND m.sender NOT IN ('bot', 'system')) END "
                      + "FROM chat_conversations c WHERE c.site = ? AND c.created_at >= ? "
                      + "AND c.created_at < ? ORDER BY c.created_at LIMIT ?")) {
            ps.setString(1, site);
            ps.setLong(2, fromMillis);
            ps.setLong(3, toMillis);
            ps.setInt(4, limit);
            List<ConversationTimes> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(
                    new ConversationTimes(
                        rs.getString(1),
                        rs.getLong(2),
                        rs.getLong(3),
                        rs.getLong(5),
                        rs.getLong(4)));
              }
            }
            return out;
          }
        });
  }

  @Override
  public CompletableFuture<List<Rated>> ratings(
      String site, long fromMillis, long toMillis, int limit) {
    return db.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT rated_at, good FROM chat_ratings WHERE site = ? AND rated_at >= ? "
                      + "AND rated_at < ? ORDER BY rated_at LIMIT ?")) {
            ps.setString(1, site);
            ps.setLong(2, fromMillis);
            ps.setLong(3, toMillis);
            ps.setInt(4, limit);
            List<Rated> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(new Rated(rs.getLong(1), rs.getBoolean(2)));
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
