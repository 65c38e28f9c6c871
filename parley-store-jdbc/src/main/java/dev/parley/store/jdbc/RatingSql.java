package dev.parley.store.jdbc;

import dev.parley.chat.Rating;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The ratings of {@link JdbcChatStore}, table {@code chat_ratings} ({@code V10}), on its {@link
 * JdbcAccess}: one per conversation (rating again replaces it), counted per site for reports.
 *
 * <p>Thread-safe; callers get futures.
 */
final class RatingSql {
  private final JdbcAccess db;

  RatingSql(JdbcAccess db) {
    this.db = db;
  }

  CompletableFuture<Void> rate(Rating rating) {
    return db.write(
        "rating:" + rating.conversation(),
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO chat_ratings (conversation_id, site, good, comment, rated_at) "
                      + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (conversation_id) DO UPDATE SET "
                      + "good = excluded.good, comment = excluded.comment, "
                      + "rated_at = excluded.rated_at")) {
            ps.setString(1, rating.conversation());
            ps.setString(2, rating.site());
            ps.setBoolean(3, rating.good());
            ps.setString(4, rating.comment());
            ps.setLong(5, rating.ratedAtMillis());
            ps.executeUpdate();
            return null;
          }
        });
  }

  CompletableFuture<Optional<Rating>> ratingOf(String id) {
    return db.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT site, good, comment, rated_at FROM chat_ratings "
                      + "WHERE conversation_id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next()
                  ? Optional.of(
                      new Rating(
                          id, rs.getString(1), rs.getBoolean(2), rs.getString(3), rs.getLong(4)))
                  : Optional.empty();
            }
          }
        });
  }

  CompletableFuture<Rating.Counts> ratingCounts(String site, long fromMillis) {
    return db.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT good, COUNT(*) FROM chat_ratings WHERE site = ? AND rated_at >= ? "
                      + "GROUP BY good")) {
            ps.setString(1, site);
            ps.setLong(2, fromMillis);
            long good = 0;
            long bad = 0;
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                if (rs.getBoolean(1)) {
                  good = rs.getLong(2);
                } else {
                  bad = rs.getLong(2);
                }
              }
            }
            return new Rating.Counts(good, bad);
          }
        });
  }
}
