package dev.parley.bots;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.ByteBuffersDirectory;

/**
 * A knowledge base: Markdown files split into sections (each heading starts one), indexed in memory
 * with Apache Lucene and ranked with BM25.
 *
 * <p>Confidence of a hit is the share of the question's meaningful words (after dropping stop words
 * and normalising case) that the best section contains: 1.0 when every word is there. BM25 ranks;
 * coverage says whether the best match is a real match.
 *
 * <p>Immutable after construction and thread-safe (Lucene searchers are).
 */
public final class KnowledgeBase implements Knowledge {
  /** A section of a Markdown file. */
  public record Section(String title, String body, String source) {}

  /** The best section for a question. */
  public record Hit(Section section, double confidence) {}

  private static final CharArraySet STOP_WORDS =
      new CharArraySet(
          List.of(
              "a", "an", "and", "are", "as", "at", "be", "but", "by", "can", "could", "do", "does",
              "for", "from", "have", "how", "i", "if", "in", "into", "is", "it", "its", "me", "my",
              "no", "not", "of", "on", "or", "please", "so", "such", "that", "the", "their", "then",
              "there", "these", "they", "this", "to", "was", "we", "what", "when", "where", "which",
              "who", "why", "will", "with", "would", "you", "your", "about", "tell", "hi", "hello"),
          true);

  private final Analyzer analyzer = new StandardAnalyzer(STOP_WORDS);
  private final List<Section> sections = new ArrayList<>();
  private final List<Set<String>> terms = new ArrayList<>();
  private final IndexSearcher searcher;

  /** Indexes {@code files}: file name → Markdown content. */
  public KnowledgeBase(Map<String, String> files) {
    ByteBuffersDirectory dir = new ByteBuffersDirectory();
    IndexWriterConfig iwc = new IndexWriterConfig(analyzer).setSimilarity(new BM25Similarity());
    try (IndexWriter w = new IndexWriter(dir, iwc)) {
      for (Map.Entry<String, String> f : files.entrySet()) {
        for (Section s : split(f.getKey(), f.getValue())) {
          Document d = new Document();
          d.add(new StoredField("n", sections.size()));
          d.add(new TextField("title", s.title(), Field.Store.NO));
          d.add(new TextField("body", s.body(), Field.Store.NO));
          w.addDocument(d);
          sections.add(s);
          Set<String> t = new HashSet<>(analyze(s.title()));
          t.addAll(analyze(s.body()));
          terms.add(t);
        }
      }
      w.commit();
      searcher = new IndexSearcher(DirectoryReader.open(dir));
      searcher.setSimilarity(new BM25Similarity());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot index the knowledge base", e);
    }
  }

  /** Loads every {@code *.md} resource listed in {@code <root>/index.txt} from the class path. */
  public static KnowledgeBase fromClasspath(String root) {
    Map<String, String> files = new LinkedHashMap<>();
    ClassLoader cl = KnowledgeBase.class.getClassLoader();
    try (var in = cl.getResourceAsStream(root + "/index.txt")) {
      if (in == null) {
        throw new IllegalArgumentException("no " + root + "/index.txt on the class path");
      }
      for (String name : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\\R")) {
        if (name.isBlank()) {
          continue;
        }
        try (var f = cl.getResourceAsStream(root + "/" + name.trim())) {
          if (f == null) {
            throw new IllegalArgumentException("missing " + root + "/" + name.trim());
          }
          files.put(name.trim(), new String(f.readAllBytes(), StandardCharsets.UTF_8));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new KnowledgeBase(files);
  }

  /** Loads every {@code *.md} file in a folder. */
  public static KnowledgeBase fromFolder(Path folder) {
    Map<String, String> files = new LinkedHashMap<>();
    try (var list = Files.list(folder)) {
      for (Path p : list.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
        files.put(p.getFileName().toString(), Files.readString(p));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the knowledge base in " + folder, e);
    }
    return new KnowledgeBase(files);
  }

  /** Number of sections indexed. */
  public int size() {
    return sections.size();
  }

  /**
   * The best {@code n} sections for {@code question}, best first (context for a language model).
   */
  public List<Section> top(String question, int n) {
    List<String> words = capped(analyze(question));
    if (words.isEmpty()) {
      return List.of();
    }
    try {
      TopDocs top = searcher.search(query(words), n);
      List<Section> out = new ArrayList<>();
      for (ScoreDoc d : top.scoreDocs) {
        out.add(
            sections.get(
                searcher.storedFields().document(d.doc).getField("n").numericValue().intValue()));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Query query(List<String> words) {
    return query(words, List.of());
  }

  /**
   * The question's words (one of which must match, when it has any), and the earlier turns' other
   * words at a third of their weight, which only rank.
   */
  private static Query query(List<String> words, List<String> earlier) {
    BooleanQuery.Builder asked = new BooleanQuery.Builder();
    for (String w : new HashSet<>(words)) {
      asked.add(
          new BoostQuery(new TermQuery(new Term("title", w)), 2f), BooleanClause.Occur.SHOULD);
      asked.add(new TermQuery(new Term("body", w)), BooleanClause.Occur.SHOULD);
    }
    BooleanQuery.Builder before = new BooleanQuery.Builder();
    boolean any = false;
    for (String w : new HashSet<>(earlier)) {
      if (!words.contains(w)) {
        before.add(
            new BoostQuery(new TermQuery(new Term("title", w)), 0.6f), BooleanClause.Occur.SHOULD);
        before.add(
            new BoostQuery(new TermQuery(new Term("body", w)), 0.3f), BooleanClause.Occur.SHOULD);
        any = true;
      }
    }
    if (!any) {
      return asked.build();
    }
    if (words.isEmpty()) {
      return before.build();
    }
    return new BooleanQuery.Builder()
        .add(asked.build(), BooleanClause.Occur.MUST)
        .add(before.build(), BooleanClause.Occur.SHOULD)
        .build();
  }

  @Override
  public List<Knowledge.Hit> search(String question, List<String> context, int n) {
    List<String> words = capped(analyze(question));
    List<String> earlier = new ArrayList<>();
    context.forEach(c -> earlier.addAll(analyze(c)));
    List<String> earlierCapped = capped(earlier);
    if (words.isEmpty() && earlier.isEmpty()) {
      return List.of();
    }
    Set<String> distinct = new HashSet<>(words);
    try {
      List<Knowledge.Hit> out = new ArrayList<>();
      ScoreDoc[] found = searcher.search(query(words, earlierCapped), n).scoreDocs;
      if (found.length == 0 && !words.isEmpty() && !earlier.isEmpty()) {
        // None of the question's words is here (a follow-up): the earlier turns alone find it.
        found = searcher.search(query(List.of(), earlierCapped), n).scoreDocs;
      }
      for (ScoreDoc d : found) {
        int i = searcher.storedFields().document(d.doc).getField("n").numericValue().intValue();
        Section s = sections.get(i);
        long covered = distinct.stream().filter(terms.get(i)::contains).count();
        out.add(
            new Knowledge.Hit(
                new Knowledge.Passage(s.title(), s.body(), s.source(), s.source()),
                distinct.isEmpty() ? 0 : (double) covered / distinct.size()));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The best section for {@code question}, if any word of it matches at all. */
  public Optional<Hit> search(String question) {
    List<String> words = capped(analyze(question));
    if (words.isEmpty()) {
      return Optional.empty();
    }
    try {
      TopDocs top = searcher.search(query(words), 1);
      if (top.scoreDocs.length == 0) {
        return Optional.empty();
      }
      ScoreDoc best = top.scoreDocs[0];
      int n = searcher.storedFields().document(best.doc).getField("n").numericValue().intValue();
      Set<String> distinct = new HashSet<>(words);
      long covered = distinct.stream().filter(terms.get(n)::contains).count();
      return Optional.of(new Hit(sections.get(n), (double) covered / distinct.size()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private List<String> analyze(String text) {
    List<String> out = new ArrayList<>();
    try (TokenStream ts = analyzer.tokenStream("body", text)) {
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

  /** Splits Markdown into sections at each heading; text before the first heading is skipped. */
  static List<Section> split(String source, String markdown) {
    List<Section> out = new ArrayList<>();
    String title = null;
    StringBuilder body = new StringBuilder();
    for (String line : markdown.split("\\R")) {
      if (line.startsWith("#")) {
        if (title != null && !body.toString().isBlank()) {
          out.add(new Section(title, body.toString().strip(), source));
        }
        title = line.replaceFirst("^#+\\s*", "").strip();
        body.setLength(0);
      } else if (title != null) {
        body.append(line).append('\n');
      }
    }
    if (title != null && !body.toString().isBlank()) {
      out.add(new Section(title, body.toString().strip(), source));
    }
    return out;
  }

  /**
   * The first {@link #MAX_TERMS} distinct words, in order: a query of two clauses per word stays
   * under Lucene's 1024 clauses however long the message (a 4000-character one would not).
   */
  static List<String> capped(List<String> words) {
    return words.stream().distinct().limit(MAX_TERMS).toList();
  }

  /** The most distinct words of a question (and of the earlier turns) a query uses. */
  static final int MAX_TERMS = 64;
}
