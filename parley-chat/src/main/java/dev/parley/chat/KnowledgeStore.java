package dev.parley.chat;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Each site's knowledge documents, durable: the {@code KnowledgeStore} port. A document is what an
 * admin uploaded or fetched (a Markdown, text, HTML or PDF file), kept as the sections its text was
 * cut into, with its ingestion status. The search index is built from these (on every node), never
 * the other way round.
 *
 * <h2>Guarantees (held by {@code KnowledgeStoreContract})</h2>
 *
 * <ul>
 *   <li>Idempotent by content: {@link #add} of a document whose sha-256 the site already holds
 *       writes nothing and returns the one held (the same upload twice is one document).
 *   <li>Every change of a site's documents (add, update, delete) raises that site's version by one;
 *       {@link #versions} never goes down for a site that keeps documents.
 *   <li>A document and its sections are written together or not at all.
 *   <li>Embeddings are a cache beside the documents: keyed by site, embedding space and the hash of
 *       the text embedded; writing one again replaces it; they never change a site's version.
 * </ul>
 *
 * <p>Thread-safe; never blocks the caller (futures complete on a store thread).
 */
public interface KnowledgeStore extends AutoCloseable {

  /** Where a document is in its ingestion. */
  enum Status {
    INDEXING("indexing"),
    READY("ready"),
    FAILED("failed");

    private final String wire;

    Status(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }

    public static Status ofWire(String wire) {
      for (Status s : values()) {
        if (s.wire.equals(wire)) {
          return s;
        }
      }
      throw new IllegalArgumentException("unknown document status " + wire);
    }
  }

  /** One searchable piece of a document: a heading (or page) and its text. */
  record Section(String title, String body) {}

  /**
   * One knowledge document.
   *
   * @param source the file name or URL it came from (shown as the citation's link or name)
   * @param mediaType the type found in its bytes, e.g. {@code application/pdf}
   * @param sha256 the hex sha-256 of its bytes (its identity within the site)
   * @param reason why it failed, or null
   * @param language the language its text was found to be in ({@code en}, {@code de}, …)
   * @param sections its text, cut into sections (empty unless ready)
   */
  record Document(
      String id,
      String site,
      String title,
      String source,
      String mediaType,
      long size,
      String sha256,
      Status status,
      String reason,
      String language,
      List<Section> sections,
      long updatedAtMillis) {

    public Document {
      sections = List.copyOf(sections);
    }

    /** This document with a new status, reason, title, language and sections. */
    public Document with(
        Status status,
        String reason,
        String title,
        String language,
        List<Section> sections,
        long atMillis) {
      return new Document(
          id, site, title, source, mediaType, size, sha256, status, reason, language, sections,
          atMillis);
    }
  }

  /**
   * What {@link #add} did.
   *
   * @param created false when the site already held a document with that hash ({@code document} is
   *     then the one held)
   */
  record Added(Document document, boolean created) {}

  /** Adds {@code d}, unless its site holds a document with its sha-256 already. */
  CompletableFuture<Added> add(Document d);

  /**
   * Replaces the stored document with {@code d} (same site and id): its status, reason, title,
   * language, sections and time. Completes with false when there is no such document.
   */
  CompletableFuture<Boolean> update(Document d);

  /** The document, with its sections. */
  CompletableFuture<Optional<Document>> find(String site, String id);

  /**
   * The site's documents, oldest first; without their sections when {@code withSections} is false
   * (a listing).
   */
  CompletableFuture<List<Document>> list(String site, boolean withSections);

  /** Deletes the document; completes with false when there was none. */
  CompletableFuture<Boolean> delete(String site, String id);

  /** Each site's knowledge version: cheap, for a node to learn which indexes are behind. */
  CompletableFuture<Map<String, Long>> versions();

  /**
   * The stored embeddings of {@code site} in {@code space} (an endpoint and model) among {@code
   * hashes} (hex sha-256 of the text embedded), by hash; those not stored are absent.
   */
  CompletableFuture<Map<String, float[]>> embeddings(
      String site, String space, Collection<String> hashes);

  /** Stores {@code vectors} (by hash) of {@code site} in {@code space}, replacing any held. */
  CompletableFuture<Void> putEmbeddings(
      String site, String space, Map<String, float[]> vectors, long atMillis);

  /**
   * Deletes the embeddings of {@code site} stored before {@code beforeMillis} except those of
   * {@code space} whose hash is in {@code keep}; completes with how many went.
   */
  CompletableFuture<Integer> pruneEmbeddings(
      String site, String space, Set<String> keep, long beforeMillis);

  @Override
  void close();
}
