package dev.parley.store.jdbc;

import dev.parley.chat.KnowledgeStore;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The {@link KnowledgeStore} on the same database as the messages (SQLite or PostgreSQL): tables
 * {@code knowledge_documents}, {@code knowledge_sections} and {@code knowledge_versions} (migration
 * V8), and the embeddings cache {@code knowledge_embeddings} (V18, its vectors as little-endian
 * floats).
 *
 * <p>A change is one transaction: it raises the site's row in {@code knowledge_versions} first (on
 * PostgreSQL that row's lock holds one site's changes one after another until commit; SQLite has
 * one writer), then writes the document and replaces its sections. An add whose hash the site holds
 * already is refused by the {@code (site, sha256)} unique key and rolls back, leaving the version
 * as it was.
 *
 * <p>Thread-safe; JDBC runs on {@link JdbcAccess}'s threads (or the SQLite writer's).
 */
public final class JdbcKnowledgeStore implements KnowledgeStore {
  private static final String COLUMNS =
      "site, id, title, source, media_type, size, sha256, status, reason, language, updated_at";

  private final JdbcAccess db;

  private JdbcKnowledgeStore(JdbcAccess db) {
    this.db = db;
  }

  /** On the SQLite file of {@code store} (already migrated): writes through its writer. */
  public static JdbcKnowledgeStore onSqlite(SqliteMessageStore store) {
    return new JdbcKnowledgeStore(JdbcAccess.onSqlite("knowledge", store));
  }

  /** On PostgreSQL with the same options as the message store (already migrated). */
  public static JdbcKnowledgeStore onPostgres(PostgresMessageStore.Options o) {
    return new JdbcKnowledgeStore(JdbcAccess.onPostgres("knowledge", o));
  }

  @Override
  public CompletableFuture<Added> add(Document d) {
    return db.write(
        "knowledge",
        c -> {
          Optional<Document> held = byHash(c, d.site(), d.sha256());
          if (held.isPresent()) {
            return new Added(held.get(), false);
          }
          long v = bump(c, d.site());
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO knowledge_documents ("
                      + COLUMNS
                      + ", seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            bind(ps, d);
            ps.setLong(12, v);
            ps.executeUpdate();
          }
          writeSections(c, d);
          return new Added(d, true);
        });
  }

  private static void bind(PreparedStatement ps, Document d) throws SQLException {
    ps.setString(1, d.site());
    ps.setString(2, d.id());
    ps.setString(3, d.title());
    ps.setString(4, d.source());
    ps.setString(5, d.mediaType());
    ps.setLong(6, d.size());
    ps.setString(7, d.sha256());
    ps.setString(8, d.status().wire());
    ps.setString(9, d.reason());
    ps.setString(10, d.language());
    ps.setLong(11, d.updatedAtMillis());
  }

  /** Raises the site's version by one and returns it. */
  private static long bump(Connection c, String site) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO knowledge_versions (site, version) VALUES (?, 1) ON CONFLICT (site) "
                + "DO UPDATE SET version = knowledge_versions.version + 1")) {
      ps.setString(1, site);
      ps.executeUpdate();
    }
    try (PreparedStatement ps =
        c.prepareStatement("SELECT version FROM knowledge_versions WHERE site = ?")) {
      ps.setString(1, site);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static void writeSections(Connection c, Document d) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("DELETE FROM knowledge_sections WHERE site = ? AND doc = ?")) {
      ps.setString(1, d.site());
      ps.setString(2, d.id());
      ps.executeUpdate();
    }
    if (d.sections().isEmpty()) {
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO knowledge_sections (site, doc, n, title, body) VALUES (?, ?, ?, ?, ?)")) {
      int n = 0;
      for (Section s : d.sections()) {
        ps.setString(1, d.site());
        ps.setString(2, d.id());
        ps.setInt(3, n++);
        ps.setString(4, s.title());
        ps.setString(5, s.body());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private static Optional<Document> byHash(Connection c, String site, String sha256)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT " + COLUMNS + " FROM knowledge_documents WHERE site = ? AND sha256 = ?")) {
      ps.setString(1, site);
      ps.setString(2, sha256);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(document(rs, List.of())) : Optional.empty();
      }
    }
  }

  private static Document document(ResultSet rs, List<Section> sections) throws SQLException {
    return new Document(
        rs.getString(2),
        rs.getString(1),
        rs.getString(3),
        rs.getString(4),
        rs.getString(5),
        rs.getLong(6),
        rs.getString(7),
        Status.ofWire(rs.getString(8)),
        rs.getString(9),
        rs.getString(10),
        sections,
        rs.getLong(11));
  }

  @Override
  public CompletableFuture<Boolean> update(Document d) {
    return db.write(
        "knowledge",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE knowledge_documents SET title = ?, status = ?, reason = ?, language = ?, "
                      + "updated_at = ? WHERE site = ? AND id = ?")) {
            ps.setString(1, d.title());
            ps.setString(2, d.status().wire());
            ps.setString(3, d.reason());
            ps.setString(4, d.language());
            ps.setLong(5, d.updatedAtMillis());
            ps.setString(6, d.site());
            ps.setString(7, d.id());
            if (ps.executeUpdate() == 0) {
              return false;
            }
          }
          bump(c, d.site());
          writeSections(c, d);
          return true;
        });
  }

  @Override
  public CompletableFuture<Optional<Document>> find(String site, String id) {
    return db.read(
        c -> {
          Document found;
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT " + COLUMNS + " FROM knowledge_documents WHERE site = ? AND id = ?")) {
            ps.setString(1, site);
            ps.setString(2, id);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                return Optional.<Document>empty();
              }
              found = document(rs, List.of());
            }
          }
          List<Section> sections = sections(c, site).getOrDefault(id, List.of());
          return Optional.of(
              found.with(
                  found.status(),
                  found.reason(),
                  found.title(),
                  found.language(),
                  sections,
                  found.updatedAtMillis()));
        });
  }

  /** The site's sections by document id, in order. */
  private static Map<String, List<Section>> sections(Connection c, String site)
      throws SQLException {
    Map<String, List<Section>> out = new HashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT doc, title, body FROM knowledge_sections WHERE site = ? ORDER BY doc, n")) {
      ps.setString(1, site);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
              .add(new Section(rs.getString(2), rs.getString(3)));
        }
      }
    }
    return out;
  }

  @Override
  public CompletableFuture<List<Document>> list(String site, boolean withSections) {
    return db.read(
        c -> {
          c.setAutoCommit(false); // documents and sections from one view (PostgreSQL)
          try {
            Map<String, List<Section>> sections = withSections ? sections(c, site) : Map.of();
            List<Document> out = new ArrayList<>();
            try (PreparedStatement ps =
                c.prepareStatement(
                    "SELECT "
                        + COLUMNS
                        + " FROM knowledge_documents WHERE site = ? ORDER BY seq")) {
              ps.setString(1, site);
              try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                  out.add(document(rs, sections.getOrDefault(rs.getString(2), List.of())));
                }
              }
            }
            c.commit();
            return out;
          } finally {
            c.setAutoCommit(true);
          }
        });
  }

  @Override
  public CompletableFuture<Boolean> delete(String site, String id) {
    return db.write(
        "knowledge",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM knowledge_documents WHERE site = ? AND id = ?")) {
            ps.setString(1, site);
            ps.setString(2, id);
            if (ps.executeUpdate() == 0) {
              return false;
            }
          }
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM knowledge_sections WHERE site = ? AND doc = ?")) {
            ps.setString(1, site);
            ps.setString(2, id);
            ps.executeUpdate();
          }
          bump(c, site);
          return true;
        });
  }

  @Override
  public CompletableFuture<Map<String, Long>> versions() {
    return db.read(
        c -> {
          Map<String, Long> out = new HashMap<>();
          try (PreparedStatement ps =
                  c.prepareStatement("SELECT site, version FROM knowledge_versions");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.put(rs.getString(1), rs.getLong(2));
            }
          }
          return out;
        });
  }

  /** The most hashes one {@code IN (…)} lists. */
  private static final int IN_BATCH = 500;

  @Override
  public CompletableFuture<Map<String, float[]>> embeddings(
      String site, String space, Collection<String> hashes) {
    List<String> all = List.copyOf(hashes);
    return db.read(
        c -> {
          Map<String, float[]> out = new HashMap<>();
          for (int from = 0; from < all.size(); from += IN_BATCH) {
            List<String> part = all.subList(from, Math.min(all.size(), from + IN_BATCH));
            try (PreparedStatement ps =
                c.prepareStatement(
                    "SELECT hash, vector FROM knowledge_embeddings WHERE site = ? AND space = ?"
                        + " AND hash IN ("
                        + String.join(", ", Collections.nCopies(part.size(), "?"))
                        + ")")) {
              ps.setString(1, site);
              ps.setString(2, space);
              for (int i = 0; i < part.size(); i++) {
                ps.setString(3 + i, part.get(i));
              }
              try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                  out.put(rs.getString(1), floats(rs.getBytes(2)));
                }
              }
            }
          }
          return out;
        });
  }

  @Override
  public CompletableFuture<Void> putEmbeddings(
      String site, String space, Map<String, float[]> vectors, long atMillis) {
    Map<String, float[]> copy = Map.copyOf(vectors);
    return db.write(
        "knowledge",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO knowledge_embeddings (site, space, hash, vector, created_at) "
                      + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (site, space, hash) DO UPDATE SET "
                      + "vector = excluded.vector, created_at = excluded.created_at")) {
            for (Map.Entry<String, float[]> e : copy.entrySet()) {
              ps.setString(1, site);
              ps.setString(2, space);
              ps.setString(3, e.getKey());
              ps.setBytes(4, bytes(e.getValue()));
              ps.setLong(5, atMillis);
              ps.addBatch();
            }
            ps.executeBatch();
          }
          return null;
        });
  }

  @Override
  public CompletableFuture<Integer> pruneEmbeddings(
      String site, String space, Set<String> keep, long beforeMillis) {
    Set<String> kept = Set.copyOf(keep);
    return db.write(
        "knowledge",
        c -> {
          List<String[]> gone = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT space, hash FROM knowledge_embeddings WHERE site = ? AND created_at < ?")) {
            ps.setString(1, site);
            ps.setLong(2, beforeMillis);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                if (!(rs.getString(1).equals(space) && kept.contains(rs.getString(2)))) {
                  gone.add(new String[] {rs.getString(1), rs.getString(2)});
                }
              }
            }
          }
          if (gone.isEmpty()) {
            return 0;
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "DELETE FROM knowledge_embeddings WHERE site = ? AND space = ? AND hash = ?")) {
            for (String[] g : gone) {
              ps.setString(1, site);
              ps.setString(2, g[0]);
              ps.setString(3, g[1]);
              ps.addBatch();
            }
            ps.executeBatch();
          }
          return gone.size();
        });
  }

  static byte[] bytes(float[] v) {
    ByteBuffer b = ByteBuffer.allocate(v.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(v);
    return b.array();
  }

  static float[] floats(byte[] bytes) {
    float[] v = new float[bytes.length / Float.BYTES];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
    return v;
  }

  @Override
  public void close() {
    db.close();
  }
}
