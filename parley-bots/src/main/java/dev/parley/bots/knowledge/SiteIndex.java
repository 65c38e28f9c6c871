package dev.parley.bots.knowledge;

import dev.parley.bots.Knowledge;
import dev.parley.chat.KnowledgeStore.Document;
import dev.parley.chat.KnowledgeStore.Section;
import dev.parley.chat.KnowledgeStore.Status;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.VectorUtil;

/**
 * One generation of a site's search index: the ready documents' sections in a Lucene index in its
 * own directory, ranked with BM25. Each section is analyzed with its document's language's analyzer
 * ({@link Languages}) into that language's fields ({@code title.de}, {@code body.de}); a question
 * is analyzed with each language the index holds and matched against that language's fields.
 * Confidence is the share of the question's terms (in the section's language) the section contains,
 * as {@link Knowledge} says.
 *
 * <p>Hybrid when built with vectors (an embeddings {@link #space}): each section with one also has
 * it, normalised, in the vector field {@value #VECTOR} (HNSW, dot product); a search given the
 * question's vector takes the best {@value #CANDIDATES} of the words (BM25) and of the vectors
 * (nearest neighbours) and fuses the two rankings by reciprocal rank ({@link #fuse}). A passage's
 * confidence is then the greater of its words' share and its cosine similarity with the question.
 * Without vectors, or without the question's, the words alone rank, as before.
 *
 * <p>Immutable once built and thread-safe. Reference-counted: a search holds a reference ({@link
 * #acquire}/{@link #release}); {@link #retire} drops the owner's, and the last release closes the
 * reader and deletes the generation's directory, so a search never meets a closed index.
 */
public final class SiteIndex {
  /** A section as indexed: where it came from and its terms (for the confidence). */
  private record Indexed(Knowledge.Passage passage, String language, Set<String> terms) {}

  /** The vector field. */
  static final String VECTOR = "vec";

  /** How many passages each side of a hybrid search offers to the fusion. */
  static final int CANDIDATES = 20;

  /** Reciprocal rank fusion's k: a passage ranked r-th on one side adds 1 / (k + r). */
  static final int RRF_K = 60;

  private final Path dir;
  private final String space;
  private final int vectors;
  private final List<Indexed> sections;
  private final Set<String> languages;
  private final FSDirectory directory;
  private final DirectoryReader reader;
  private final IndexSearcher searcher;
  private final AtomicInteger refs = new AtomicInteger(1);

  private SiteIndex(
      Path dir,
      String space,
      int vectors,
      List<Indexed> sections,
      FSDirectory directory,
      DirectoryReader reader) {
    this.dir = dir;
    this.space = vectors == 0 ? null : space;
    this.vectors = vectors;
    this.sections = sections;
    this.directory = directory;
    this.reader = reader;
    this.searcher = new IndexSearcher(reader);
    this.searcher.setSimilarity(new BM25Similarity());
    Set<String> langs = new LinkedHashSet<>();
    sections.forEach(s -> langs.add(s.language()));
    this.languages = Set.copyOf(langs);
  }

  /** Builds the index of {@code documents}' ready sections in {@code dir} (made; must be new). */
  public static SiteIndex build(Path dir, List<Document> documents) throws IOException {
    return build(dir, documents, null, Map.of());
  }

  /**
   * As {@link #build(Path, List)}, each section whose text's hash ({@link Embedder#hash}) has a
   * vector in {@code vectors} (of embedding space {@code space}) with it; vectors of another length
   * than the first, or of length zero, are left out.
   */
  static SiteIndex build(
      Path dir, List<Document> documents, String space, Map<String, float[]> vectors)
      throws IOException {
    Files.createDirectories(dir);
    FSDirectory directory = FSDirectory.open(dir);
    List<Indexed> sections = new ArrayList<>();
    int withVector = 0;
    int dims = -1;
    try {
      IndexWriterConfig iwc =
          new IndexWriterConfig(Languages.perField())
              .setSimilarity(new BM25Similarity())
              .setCodec(VectorCodec.create());
      try (IndexWriter w = new IndexWriter(directory, iwc)) {
        for (Document d : documents) {
          if (d.status() != Status.READY) {
            continue;
          }
          String lang = Languages.CODES.contains(d.language()) ? d.language() : "en";
          Analyzer a = Languages.analyzer(lang);
          for (Section s : d.sections()) {
            org.apache.lucene.document.Document ld = new org.apache.lucene.document.Document();
            ld.add(new StoredField("n", sections.size()));
            ld.add(new TextField("title." + lang, s.title(), Field.Store.NO));
            ld.add(new TextField("body." + lang, s.body(), Field.Store.NO));
            float[] v = vectors.get(Embedder.hash(Embedder.text(s)));
            if (v != null && (dims == -1 || v.length == dims) && norm(v) > 0) {
              dims = v.length;
              ld.add(
                  new KnnFloatVectorField(
                      VECTOR,
                      VectorUtil.l2normalize(v.clone()),
                      VectorSimilarityFunction.DOT_PRODUCT));
              withVector++;
            }
            w.addDocument(ld);
            Set<String> terms = new HashSet<>(analyze(a, s.title()));
            terms.addAll(analyze(a, s.body()));
            sections.add(
                new Indexed(
                    new Knowledge.Passage(s.title(), s.body(), d.title(), d.source()),
                    lang,
                    terms));
          }
        }
        w.commit();
      }
      return new SiteIndex(
          dir,
          space,
          withVector,
          List.copyOf(sections),
          directory,
          DirectoryReader.open(directory));
    } catch (IOException | RuntimeException e) {
      directory.close();
      throw e;
    }
  }

  /** Sections indexed. */
  public int size() {
    return sections.size();
  }

  /** The embedding space of its vectors, or null when it has none (words alone). */
  public String space() {
    return space;
  }

  /** Sections indexed with a vector. */
  public int vectors() {
    return vectors;
  }

  private static double norm(float[] v) {
    double sum = 0;
    for (float f : v) {
      sum += (double) f * f;
    }
    return Math.sqrt(sum);
  }

  /** The directory this generation lives in. */
  public Path dir() {
    return dir;
  }

  /** Takes a reference for a search; false when the index is closed already. */
  boolean acquire() {
    int r;
    do {
      r = refs.get();
      if (r <= 0) {
        return false;
      }
    } while (!refs.compareAndSet(r, r + 1));
    return true;
  }

  /** Gives a reference back; the last closes the index and deletes its directory. */
  void release() {
    if (refs.decrementAndGet() == 0) {
      try {
        reader.close();
        directory.close();
        deleteTree(dir);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot remove the knowledge index " + dir, e);
      }
    }
  }

  /** Drops the owner's reference: the index closes once the searches in flight are done. */
  public void retire() {
    release();
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** As {@link Knowledge#search}, by words alone; the caller holds a reference. */
  List<Knowledge.Hit> search(String question, List<String> context, int n) {
    return search(question, context, n, null);
  }

  /**
   * As {@link Knowledge#search}; the caller holds a reference. The question's words must match;
   * when none does (a follow-up such as "how often should I do that?"), the earlier turns alone
   * find the passages, with no confidence. With {@code vector} (the question's, in this index's
   * {@link #space}; null: none) the words' and the vectors' best are fused.
   */
  List<Knowledge.Hit> search(String question, List<String> context, int n, float[] vector) {
    // (a long message's words are capped: see MAX_TERMS)
    boolean hybrid = vector != null && space != null;
    int k = hybrid ? Math.max(n, CANDIDATES) : n;
    List<Integer> words = words(question, context, k, true);
    if (words.isEmpty() && !context.isEmpty()) {
      words = words(question, context, k, false);
    }
    Map<Integer, Double> cosine = hybrid ? nearest(vector, k) : Map.of();
    List<Integer> ranked = hybrid ? fuse(words, List.copyOf(cosine.keySet())) : words;
    List<Knowledge.Hit> out = new ArrayList<>();
    for (int i : ranked.subList(0, Math.min(n, ranked.size()))) {
      Indexed s = sections.get(i);
      Set<String> asked = new HashSet<>(analyze(Languages.analyzer(s.language()), question));
      long covered = asked.stream().filter(s.terms()::contains).count();
      double share = asked.isEmpty() ? 0 : (double) covered / asked.size();
      out.add(new Knowledge.Hit(s.passage(), Math.max(share, cosine.getOrDefault(i, 0.0))));
    }
    return out;
  }

  /**
   * Reciprocal rank fusion (Cormack, Clarke and Büttcher, SIGIR 2009): each passage scores the sum
   * of {@code 1 / (RRF_K + rank)} over the rankings it is in (rank from 1), best first; ties keep
   * the words' order, then the vectors'.
   */
  static List<Integer> fuse(List<Integer> words, List<Integer> vectors) {
    Map<Integer, Double> score = new LinkedHashMap<>(); // first seen first: the tie-break
    for (List<Integer> ranking : List.of(words, vectors)) {
      for (int r = 0; r < ranking.size(); r++) {
        score.merge(ranking.get(r), 1.0 / (RRF_K + r + 1), Double::sum);
      }
    }
    List<Integer> out = new ArrayList<>(score.keySet());
    out.sort(Comparator.comparingDouble((Integer i) -> -score.get(i))); // stable
    return out;
  }

  /** The {@code k} sections nearest {@code vector}, nearest first, with their cosine similarity. */
  private Map<Integer, Double> nearest(float[] vector, int k) {
    if (norm(vector) == 0) {
      return Map.of();
    }
    Map<Integer, Double> out = new LinkedHashMap<>();
    try {
      Query q = new KnnFloatVectorQuery(VECTOR, VectorUtil.l2normalize(vector.clone()), k);
      for (ScoreDoc d : searcher.search(q, k).scoreDocs) {
        // dot product's score is (1 + cos) / 2
        out.put(number(d), 2.0 * d.score - 1);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (IllegalArgumentException e) {
      return Map.of(); // a vector of another length than the index's: words alone
    }
    return out;
  }

  private int number(ScoreDoc d) throws IOException {
    return searcher.storedFields().document(d.doc).getField("n").numericValue().intValue();
  }

  /** The best {@code n} sections by their words (BM25), best first. */
  private List<Integer> words(
      String question, List<String> context, int n, boolean askedMustMatch) {
    BooleanQuery.Builder all = new BooleanQuery.Builder();
    boolean any = false;
    for (String lang : languages) {
      Analyzer a = Languages.analyzer(lang);
      Set<String> words = new LinkedHashSet<>(analyze(a, question));
      Set<String> earlier = new LinkedHashSet<>();
      context.forEach(c -> earlier.addAll(analyze(a, c)));
      earlier.removeAll(words);
      capTo(words, termsPerLanguage());
      capTo(earlier, termsPerLanguage());
      if (words.isEmpty() && earlier.isEmpty()) {
        continue;
      }
      // The question's words must match (when it has any); the earlier turns' only rank.
      BooleanQuery.Builder asked = new BooleanQuery.Builder();
      words.forEach(w -> addTerm(asked, lang, w, 1f));
      BooleanQuery.Builder before = new BooleanQuery.Builder();
      earlier.forEach(w -> addTerm(before, lang, w, 0.3f));
      BooleanQuery.Builder q = new BooleanQuery.Builder();
      boolean must = askedMustMatch && !words.isEmpty();
      if (!words.isEmpty()) {
        q.add(asked.build(), must ? Occur.MUST : Occur.SHOULD);
      }
      if (!earlier.isEmpty()) {
        q.add(before.build(), must ? Occur.SHOULD : Occur.MUST);
      }
      all.add(q.build(), Occur.SHOULD);
      any = true;
    }
    if (!any) {
      return List.of();
    }
    try {
      List<Integer> out = new ArrayList<>();
      for (ScoreDoc d : searcher.search(all.build(), n).scoreDocs) {
        out.add(number(d));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void addTerm(BooleanQuery.Builder q, String lang, String w, float boost) {
    Query title = new BoostQuery(new TermQuery(new Term("title." + lang, w)), 2f * boost);
    Query body = new TermQuery(new Term("body." + lang, w));
    q.add(title, Occur.SHOULD);
    q.add(boost == 1f ? body : new BoostQuery(body, boost), Occur.SHOULD);
  }

  static List<String> analyze(Analyzer a, String text) {
    List<String> out = new ArrayList<>();
    try (TokenStream ts = a.tokenStream("body", text)) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      ts.reset();
      while (ts.incrementToken()) {
        out.add(term.toString());
      }
      ts.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /**
   * The most distinct terms of the question, and of the earlier turns, a query uses per language
   * when the index holds few languages ({@link #termsPerLanguage}).
   */
  static final int MAX_TERMS = 48;

  /**
   * The terms of the question, and of the earlier turns, a query uses per language: two clauses
   * each, in every language the index holds, stays under Lucene's 1024 clauses (a 4000-character
   * message in a site of many languages would not): {@value #MAX_TERMS} up to five languages, fewer
   * beyond, at least 4.
   */
  int termsPerLanguage() {
    return Math.max(4, Math.min(MAX_TERMS, 1000 / (4 * Math.max(1, languages.size()))));
  }

  /** Keeps the first {@code max} of {@code terms} (in the order they came). */
  static void capTo(Set<String> terms, int max) {
    if (terms.size() > max) {
      List<String> keep = new ArrayList<>(terms).subList(0, max);
      terms.retainAll(new HashSet<>(keep));
    }
  }
}
