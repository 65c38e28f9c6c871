package dev.parley.store.jdbc;

import dev.parley.chat.ConversationSearch;
import dev.parley.chat.ConversationStatus;
import dev.parley.chat.Notes;
import dev.parley.chat.SearchHit;
import dev.parley.chat.SearchQuery;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The {@link ConversationSearch} on the messages' database: on SQLite the FTS5 table {@code
 * message_search} (V21), on PostgreSQL the GIN index {@code messages_search} over {@code
 * to_tsvector('simple', body)} (V15). On PostgreSQL the index changes in the transaction of the
 * write that changes a message. On SQLite a new message is indexed shortly after its commit ({@link
 * SqliteSearchIndexer}), and a search first has the index catch up with every acknowledged message;
 * an erasure or a deletion leaves the index in its own transaction (triggers). Either way a
 * tombstone or a deleted conversation is gone from the hits as soon as its write commits, and a
 * search finds every message acknowledged before it began.
 *
 * <p>The query text is never handed to a query parser as syntax: on SQLite each word of {@link
 * SearchQuery#terms()} becomes a quoted FTS5 string with a prefix star ({@code "word"*}); on
 * PostgreSQL the text goes through {@code to_tsvector} (the same parser as the messages' words),
 * and each of its lexemes becomes a quoted prefix lexeme of a {@code tsquery}. Every other value is
 * a bound parameter.
 *
 * <p>Thread-safe. Reads run on {@link JdbcAccess}'s threads; callers get futures.
 */
public final class JdbcConversationSearch implements ConversationSearch {
  private static final String SELECT =
      "SELECT m.conversation, m.seq, m.id, m.sender, m.kind, m.body, m.created_at, "
          + "c.id, c.site, c.visitor, c.status, c.agent, c.labels ";

  /** The lexemes of the text as prefix terms joined by AND (null when it has none). */
  private static final String PG_QUERY =
      "WITH q AS (SELECT string_agg('''' || replace(replace(u.lexeme, '\\', '\\\\'), '''', '''''') "
          + "|| ''':*', ' & ')::tsquery AS tq FROM unnest(to_tsvector('simple', ?)) AS u) ";

  private final JdbcAccess db;

  /** Completes when the index holds every acknowledged message (SQLite's catches up later). */
  private final Supplier<CompletableFuture<Void>> caughtUp;

  private JdbcConversationSearch(JdbcAccess db, Supplier<CompletableFuture<Void>> caughtUp) {
    this.db = db;
    this.caughtUp = caughtUp;
  }

  /** On the SQLite file of {@code store} (already migrated). */
  public static JdbcConversationSearch onSqlite(SqliteMessageStore store) {
    return new JdbcConversationSearch(
        JdbcAccess.onSqlite("search", store), store::searchIndexCaughtUp);
  }

  /** On PostgreSQL with the same options as the message store (already migrated). */
  public static JdbcConversationSearch onPostgres(PostgresMessageStore.Options o) {
    return new JdbcConversationSearch(
        JdbcAccess.onPostgres("search", o), () -> CompletableFuture.completedFuture(null));
  }

  @Override
  public CompletableFuture<List<SearchHit>> search(SearchQuery q) {
    List<Object> args = new ArrayList<>();
    StringBuilder sql = new StringBuilder();
    if (db.isSqlite()) {
      sql.append(SELECT)
          .append("FROM message_search s JOIN messages m ON m.rid = s.rowid ")
          .append("JOIN chat_conversations c ON c.id = CASE WHEN ")
          .append("substr(m.conversation, -6) = ':notes' THEN ")
          .append("substr(m.conversation, 1, length(m.conversation) - 6) ")
          .append("ELSE m.conversation END WHERE message_search MATCH ? ");
      args.add(fts5(q.terms()));
    } else {
      sql.append(PG_QUERY)
          .append(SELECT)
          .append("FROM q, messages m JOIN chat_conversations c ON c.id = CASE WHEN ")
          .append("right(m.conversation, 6) = ':notes' THEN left(m.conversation, -6) ")
          .append("ELSE m.conversation END WHERE m.kind IN ('text', 'bot') ")
          .append("AND to_tsvector('simple', m.body) @@ q.tq ");
      args.add(q.text());
    }
    sql.append("AND c.site IN (").append("?,".repeat(q.sites().size() - 1)).append("?) ");
    args.addAll(q.sites().stream().sorted().toList());
    sql.append("AND c.visitor <> 'deleted:' || c.id AND m.created_at >= ? AND m.created_at < ? ");
    args.add(q.fromMillis());
    args.add(q.toMillis());
    if (q.status() != null) {
      sql.append("AND c.status = ? ");
      args.add(q.status().wire());
    }
    if (q.label() != null) {
      sql.append("AND ' ' || c.labels || ' ' LIKE ? ");
      args.add("% " + q.label() + " %");
    }
    if (q.agent() != null) {
      sql.append("AND c.agent = ? ");
      args.add(q.agent());
    }
    if (q.after() != null) {
      SearchQuery.After a = q.after();
      sql.append("AND (m.created_at < ? OR (m.created_at = ? AND (m.conversation < ? ")
          .append("OR (m.conversation = ? AND m.seq < ?)))) ");
      args.addAll(List.of(a.createdAtMillis(), a.createdAtMillis(), a.stream(), a.stream()));
      args.add(a.seq());
    }
    sql.append("ORDER BY m.created_at DESC, m.conversation DESC, m.seq DESC LIMIT ?");
    args.add(q.limit());
    // SQLite: first the index catches up with what was acknowledged (when the store is too busy to
    // take that write, the search runs on the index as it is: at most a moment behind).
    return caughtUp
        .get()
        .handle((done, err) -> err == null)
        .thenCompose(
            caughtUpOrNot ->
                db.read(
                    c -> {
                      try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                        for (int i = 0; i < args.size(); i++) {
                          ps.setObject(i + 1, args.get(i));
                        }
                        List<SearchHit> out = new ArrayList<>();
                        try (ResultSet rs = ps.executeQuery()) {
                          while (rs.next()) {
                            out.add(hit(rs));
                          }
                        }
                        return out;
                      }
                    }));
  }

  /**
   * An FTS5 query in which every term is a literal: {@code "a"* "b"*} (all must match, each as a
   * word's beginning). The terms hold only letters, digits and marks, so no quote can be inside
   * one; any would be doubled anyway.
   */
  static String fts5(List<String> terms) {
    StringBuilder b = new StringBuilder();
    for (String t : terms) {
      if (!b.isEmpty()) {
        b.append(' ');
      }
      b.append('"').append(t.replace("\"", "\"\"")).append("\"*");
    }
    return b.toString();
  }

  private static SearchHit hit(ResultSet rs) throws SQLException {
    String stream = rs.getString(1);
    String labels = rs.getString(13);
    return new SearchHit(
        rs.getString(8),
        Notes.isNotes(stream),
        rs.getLong(2),
        rs.getString(3),
        rs.getString(4),
        rs.getString(5),
        rs.getString(6),
        rs.getLong(7),
        rs.getString(9),
        rs.getString(10),
        ConversationStatus.ofWire(rs.getString(11)),
        rs.getString(12),
        labels == null || labels.isEmpty() ? List.of() : List.of(labels.split(" ")));
  }

  @Override
  public void close() {
    db.close();
  }
}
