package dev.parley.bots.knowledge;

import dev.parley.chat.BotSettings;
import dev.parley.chat.KnowledgeStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The vectors of a site's sections, computed once: looked up in the {@link KnowledgeStore}'s
 * embeddings (by site, embedding space and the hash of the text embedded), and only those missing
 * asked of the endpoint ({@link EmbeddingsClient}) and stored for every node's next build.
 *
 * <p>Thread-safe. Blocks (the store, the endpoint): call on the knowledge threads.
 */
final class Embedder {
  /**
   * What {@link #vectors} got.
   *
   * @param vectors by hash, those that could be had
   * @param failure why the others could not, or null when none is missing
   */
  record Got(Map<String, float[]> vectors, String failure) {}

  private final KnowledgeStore store;
  private final EmbeddingsClient client;
  private final LongSupplier nowMillis;

  /**
   * @param nowMillis the wall-clock time, epoch milliseconds (when a vector was stored)
   */
  Embedder(KnowledgeStore store, EmbeddingsClient client, LongSupplier nowMillis) {
    this.store = store;
    this.client = client;
    this.nowMillis = nowMillis;
  }

  /** The text of a section that is embedded: its heading and its body. */
  static String text(KnowledgeStore.Section s) {
    return s.title() + "\n\n" + s.body();
  }

  /** The key of a text's vector: its hex sha-256. */
  static String hash(String text) {
    return KnowledgeService.sha256(text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The vectors of {@code texts} (by hash) of {@code site} from {@code endpoint}: stored ones, and
   * the others computed before {@code deadline} ({@link System#nanoTime}) and stored.
   */
  Got vectors(
      String site, BotSettings.Embeddings endpoint, Map<String, String> texts, long deadline) {
    String space = endpoint.space();
    Map<String, float[]> out = new HashMap<>(store.embeddings(site, space, texts.keySet()).join());
    List<String> missing = new ArrayList<>();
    texts.keySet().stream().filter(h -> !out.containsKey(h)).forEach(missing::add);
    if (missing.isEmpty()) {
      return new Got(out, null);
    }
    // batch by batch, each stored as it comes: a failure half-way keeps what was had
    for (int from = 0; from < missing.size(); from += client.batch()) {
      List<String> part = missing.subList(from, Math.min(missing.size(), from + client.batch()));
      try {
        List<float[]> got =
            client.embed(endpoint, part.stream().map(texts::get).toList(), deadline);
        Map<String, float[]> fresh = new HashMap<>();
        for (int i = 0; i < part.size(); i++) {
          fresh.put(part.get(i), got.get(i));
        }
        store.putEmbeddings(site, space, fresh, nowMillis.getAsLong()).join();
        out.putAll(fresh);
      } catch (EmbeddingsClient.Failed e) {
        return new Got(out, e.getMessage());
      }
    }
    return new Got(out, null);
  }
}
