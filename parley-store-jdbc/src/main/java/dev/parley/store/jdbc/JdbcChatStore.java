package dev.parley.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.parley.chat.ChatConversation;
import dev.parley.chat.ChatStore;
import dev.parley.chat.ConversationStatus;
import dev.parley.core.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@link ChatStore} on the same database as the messages (SQLite or PostgreSQL), table
 * {@code chat_conversations}. Chat writes are rare (a conversation opens, changes status), so they
 * use short transactions on a small pool of their own rather than the message writer's batches;
 * SQLite's busy time-out lets them wait for a batch in progress.
 *
 * <p>The partial unique index on (site, visitor) for open conversations keeps "one open
 * conversation per visitor" true across nodes: a losing insert finds the winner's row. Status moves
 * are compare-and-set ({@code UPDATE … WHERE status = ?}).
 *
 * <p>Thread-safe. Blocking JDBC runs on its own platform threads; callers get futures.
 */
public final class JdbcChatStore implements ChatStore {
  private final HikariDataSource pool;
  private final ExecutorService threads;

  private JdbcChatStore(HikariDataSource pool) {
    this.pool = pool;
    AtomicInteger n = new AtomicInteger();
    this.threads = Executors.newFixedThreadPool(2,
        r -> Thread.ofPlatform().name("parley-chat-store-" + n.incrementAndGet()).daemon(true).unstarted(r));
  }

  /** On the SQLite file of {@code store} (already migrated). */
  public static JdbcChatStore onSqlite(SqliteMessageStore store) {
    HikariConfig hc = new HikariConfig();
    hc.setJdbcUrl("jdbc:sqlite:" + store.file().toAbsolutePath());
    hc.setPoolName("parley-sqlite-chat");
    hc.setMaximumPoolSize(2);
    hc.setMinimumIdle(1);
    hc.addDataSourceProperty("busy_timeout", "10000");
    return new JdbcChatStore(new HikariDataSource(hc));
  }

  /** On PostgreSQL with the same options as the message store (already migrated). */
  public static JdbcChatStore onPostgres(PostgresMessageStore.Options o) {
    HikariConfig hc = new HikariConfig();
    hc.setJdbcUrl(o.url());
    hc.setUsername(o.user());
    hc.setPassword(o.password());
    hc.setSchema(o.schema());
    hc.setPoolName("parley-pg-chat");
    hc.setMaximumPoolSize(4);
    hc.setMinimumIdle(1);
    hc.setConnectionTimeout(5_000);
    return new JdbcChatStore(new HikariDataSource(hc));
  }

  private interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private <T> CompletableFuture<T> async(Work<T> work) {
    return CompletableFuture.supplyAsync(() -> {
      try (Connection c = pool.getConnection()) {
        return work.run(c);
      } catch (SQLException e) {
        throw new StoreException("chat store: " + e.getMessage(), e);
      }
    }, threads);
  }

  private static final String COLUMNS = "id, site, visitor, status, agent, created_at";

  private static ChatConversation row(ResultSet rs) throws SQLException {
    return new ChatConversation(rs.getString(1), rs.getString(2), rs.getString(3),
        ConversationStatus.ofWire(rs.getString(4)), rs.getString(5), rs.getLong(6));
  }

  private static Optional<ChatConversation> findOpen(Connection c, String site, String visitor) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
        + " FROM chat_conversations WHERE site = ? AND visitor = ? AND status <> 'resolved'")) {
      ps.setString(1, site);
      ps.setString(2, visitor);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(row(rs)) : Optional.empty();
      }
    }
  }

  @Override
  public CompletableFuture<Opened> open(String site, String visitor, String newId, long nowMillis) {
    return async(c -> {
      Optional<ChatConversation> open = findOpen(c, site, visitor);
      if (open.isPresent()) {
        return new Opened(open.get(), false);
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO chat_conversations "
          + "(id, site, visitor, status, agent, created_at, updated_at) VALUES (?,?,?,?,NULL,?,?)")) {
        ps.setString(1, newId);
        ps.setString(2, site);
        ps.setString(3, visitor);
        ps.setString(4, ConversationStatus.BOT.wire());
        ps.setLong(5, nowMillis);
        ps.setLong(6, nowMillis);
        ps.executeUpdate();
        return new Opened(new ChatConversation(newId, site, visitor, ConversationStatus.BOT, null, nowMillis), true);
      } catch (SQLException e) {
        // Another node opened one at the same moment: the unique index kept it to one; use it.
        Optional<ChatConversation> winner = findOpen(c, site, visitor);
        if (winner.isPresent()) {
          return new Opened(winner.get(), false);
        }
        throw e;
      }
    });
  }

  @Override
  public CompletableFuture<Optional<ChatConversation>> find(String id) {
    return async(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM chat_conversations WHERE id = ?")) {
        ps.setString(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(row(rs)) : Optional.empty();
        }
      }
    });
  }

  @Override
  public CompletableFuture<Boolean> transition(String id, ConversationStatus from, ConversationStatus to, String agent,
      long nowMillis) {
    return async(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE chat_conversations SET status = ?, agent = ?, updated_at = ? WHERE id = ? AND status = ?")) {
        ps.setString(1, to.wire());
        ps.setString(2, agent);
        ps.setLong(3, nowMillis);
        ps.setString(4, id);
        ps.setString(5, from.wire());
        return ps.executeUpdate() == 1;
      } catch (SQLException e) {
        // Reopening while the visitor already has another open conversation: refused by the index.
        return false;
      }
    });
  }

  @Override
  public CompletableFuture<java.util.List<ChatConversation>> list(String site, ConversationStatus status) {
    return async(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
          + " FROM chat_conversations WHERE site = ? AND status = ? ORDER BY updated_at, id")) {
        ps.setString(1, site);
        ps.setString(2, status.wire());
        java.util.List<ChatConversation> out = new java.util.ArrayList<>();
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
  public CompletableFuture<Boolean> reassign(String id, String fromAgent, String toAgent, long nowMillis) {
    return async(c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE chat_conversations SET agent = ?, updated_at = ? "
          + "WHERE id = ? AND status = 'assigned' AND agent = ?")) {
        ps.setString(1, toAgent);
        ps.setLong(2, nowMillis);
        ps.setString(3, id);
        ps.setString(4, fromAgent);
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public void close() {
    threads.shutdown();
    pool.close();
  }
}
