package dev.parley.bots.knowledge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.bots.DeliveryBackoff;
import dev.parley.bots.FakeEmbeddingsServer;
import dev.parley.bots.Knowledge;
import dev.parley.chat.BotSettings;
import dev.parley.chat.InMemoryKnowledgeStore;
import dev.parley.chat.KnowledgeStore.Document;
import dev.parley.chat.KnowledgeStore.Section;
import dev.parley.chat.KnowledgeStore.Status;
import dev.parley.core.InMemoryBroker;
import dev.parley.core.ManualClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hybrid retrieval against the embeddings stand-in ({@link FakeEmbeddingsServer}, the real wire
 * format): a passage that shares no word with the question is found by its vector; vectors are
 * computed once and stored, so another node's build asks for none; a failing or hanging endpoint
 * leaves the words to answer; a new model re-embeds.
 */
@Timeout(60)
class HybridRetrievalTest {
  @TempDir Path data;
  final InMemoryKnowledgeStore store = new InMemoryKnowledgeStore();
  final InMemoryBroker broker = new InMemoryBroker();
  final ManualClock clock = new ManualClock();
  FakeEmbeddingsServer endpoint;
  final AtomicReference<BotSettings.Embeddings> settings = new AtomicReference<>();
  final List<KnowledgeIndexes> nodes = new ArrayList<>();

  static final Knowledge NONE = (q, c, n) -> List.of();

  /** Fast retries, short timeouts: the stand-in fails or hangs on purpose. */
  static final EmbeddingsClient.Limits LIMITS =
      new EmbeddingsClient.Limits(
          2,
          Duration.ofSeconds(2),
          new DeliveryBackoff(Duration.ofMillis(1), Duration.ofMillis(4), 3),
          4096,
          8000);

  @BeforeEach
  void open() throws Exception {
    endpoint = new FakeEmbeddingsServer();
    settings.set(new BotSettings.Embeddings(endpoint.baseUrl(), "m1", "sk-embed"));
    store
        .add(
            doc(
                "policies",
                new Section("Reimbursements", "We pay back the price of an order within 30 days."),
                new Section("Opening hours", "Our shop opens at nine every weekday."),
                new Section("Warranty", "Every kettle has a two year warranty.")))
        .get();
  }

  @AfterEach
  void close() {
    nodes.forEach(KnowledgeIndexes::close);
    endpoint.close();
    broker.close();
  }

  static Document doc(String id, Section... sections) {
    return new Document(
        id,
        "acme",
        id,
        id + ".md",
        Sniffer.MARKDOWN,
        10,
        "sha-" + id,
        Status.READY,
        null,
        "en",
        List.of(sections),
        1);
  }

  /**
   * How long a question's vector may take. The tests that find a passage by its vector need the
   * stand-in's answer within it, so it is far above a local round trip on a loaded machine (at 300
   * ms a pause of this JVM could turn the question into a words-only one); the hanging stand-in
   * waits it out once.
   */
  static final Duration QUERY_TIMEOUT = Duration.ofSeconds(2);

  KnowledgeIndexes node(String name) throws Exception {
    KnowledgeIndexes k =
        new KnowledgeIndexes(
            store,
            data.resolve(name),
            site -> NONE,
            broker,
            clock,
            Duration.ofSeconds(5),
            site -> settings.get(),
            new EmbeddingsClient(LIMITS),
            QUERY_TIMEOUT);
    nodes.add(k);
    k.start().get(20, TimeUnit.SECONDS);
    return k;
  }

  @Test
  void aPassageSharingNoWordWithTheQuestionIsFoundByItsVector() throws Exception {
    settings.set(null);
    KnowledgeIndexes words = node("words");
    assertThat(words.apply("acme").search("Can I get a refund?", List.of(), 3))
        .as("without an endpoint: BM25 alone, and no word of the question is in the documents")
        .isEmpty();
    assertThat(endpoint.requests.get()).isZero();

    settings.set(new BotSettings.Embeddings(endpoint.baseUrl(), "m1", "sk-embed"));
    KnowledgeIndexes hybrid = node("hybrid");
    assertThat(hybrid.apply("acme").current().vectors()).isEqualTo(3);
    List<Knowledge.Hit> hits = hybrid.apply("acme").search("Can I get a refund?", List.of(), 3);
    assertThat(hits).isNotEmpty();
    assertThat(hits.getFirst().passage().title()).isEqualTo("Reimbursements");
    assertThat(hits.getFirst().confidence())
        .as("its cosine similarity with the question: no word of it is there")
        .isGreaterThan(0.2)
        .isLessThan(1);
    assertThat(endpoint.models).containsOnly("m1");
    assertThat(endpoint.authorizations).containsOnly("Bearer sk-embed");
    assertThat(hybrid.queryFallbacks()).isZero();
  }

  @Test
  void wordsAndVectorsAreFusedAndAWordMatchStillRanksFirst() throws Exception {
    KnowledgeIndexes k = node("n");
    List<Knowledge.Hit> hits = k.apply("acme").search("kettle warranty", List.of(), 3);
    assertThat(hits.getFirst().passage().title()).as("first on both sides").isEqualTo("Warranty");
    assertThat(hits.getFirst().confidence()).isEqualTo(1.0);
  }

  @Test
  void storedVectorsAreReusedWhenAnotherNodeBuildsTheSameDocuments() throws Exception {
    node("a");
    assertThat(endpoint.embedded.get()).as("three sections embedded once").isEqualTo(3);
    assertThat(endpoint.requests.get()).as("in batches of two").isEqualTo(2);

    KnowledgeIndexes b = node("b");
    assertThat(endpoint.embedded.get()).as("node b found them stored").isEqualTo(3);
    assertThat(b.apply("acme").current().vectors()).isEqualTo(3);
    assertThat(b.apply("acme").search("refund", List.of(), 1).getFirst().passage().title())
        .isEqualTo("Reimbursements");
    assertThat(endpoint.embedded.get()).as("only the question's vector").isEqualTo(4);

    nodes.removeFirst().close(); // node a is gone: b alone builds what follows
    store.add(doc("more", new Section("Parcels", "Orders leave the warehouse daily."))).get();
    b.changed("acme").get(20, TimeUnit.SECONDS);
    assertThat(endpoint.embedded.get()).as("only the new section is embedded").isEqualTo(5);
  }

  @Test
  void aQuestionIsAnsweredByWordsWhenTheEndpointFailsOrHangs() throws Exception {
    KnowledgeIndexes k = node("n");
    endpoint.mode(FakeEmbeddingsServer.Mode.HTTP_500);
    List<Knowledge.Hit> hits = k.apply("acme").search("reimbursements", List.of(), 3);
    assertThat(hits).extracting(h -> h.passage().title()).containsExactly("Reimbursements");
    assertThat(k.queryFallbacks()).isEqualTo(1);

    endpoint.mode(FakeEmbeddingsServer.Mode.HANG);
    hits = k.apply("acme").search("warranty", List.of(), 3);
    assertThat(hits)
        .as("the question's vector is given up after its timeout; the words answer")
        .extracting(h -> h.passage().title())
        .containsExactly("Warranty");
    assertThat(k.queryFallbacks()).isEqualTo(2);
  }

  @Test
  void aBuildTheEndpointFailsServesByWordsAndRetriesBeforeGivingUp() throws Exception {
    endpoint.mode(FakeEmbeddingsServer.Mode.HTTP_500);
    KnowledgeIndexes k = node("n");
    assertThat(endpoint.requests.get()).as("three attempts, then given up").isEqualTo(3);
    assertThat(k.apply("acme").current().vectors()).isZero();
    assertThat(k.apply("acme").current().space()).as("an index of words alone").isNull();
    assertThat(k.apply("acme").search("warranty", List.of(), 1)).hasSize(1);

    endpoint.mode(FakeEmbeddingsServer.Mode.NORMAL).failNext(2);
    k.changed("acme").get(20, TimeUnit.SECONDS);
    assertThat(k.apply("acme").current().vectors())
        .as("two 503s were tried again with backoff")
        .isEqualTo(3);
  }

  @Test
  void aNewModelReEmbedsEverySectionAtTheNextCheck() throws Exception {
    KnowledgeIndexes k = node("n");
    assertThat(k.apply("acme").current().space()).endsWith(" m1");
    settings.set(new BotSettings.Embeddings(endpoint.baseUrl(), "m2", null));
    clock.advance(Duration.ofSeconds(5));
    await()
        .atMost(20, TimeUnit.SECONDS)
        .until(() -> k.apply("acme").current().space().endsWith(" m2"));
    assertThat(endpoint.models.stream().filter("m2"::equals).count())
        .as("every section again, in two batches")
        .isEqualTo(2);
    assertThat(endpoint.authorizations.getLast()).as("no key: none sent").isEqualTo("null");

    String m1 = endpoint.baseUrl() + " m1";
    List<String> hashes =
        store.list("acme", true).get().getFirst().sections().stream()
            .map(s -> Embedder.hash(Embedder.text(s)))
            .toList();
    assertThat(store.embeddings("acme", m1, hashes).get()).as("kept an hour").hasSize(3);
    clock.advance(KnowledgeIndexes.PRUNE_AFTER.plusMinutes(1));
    k.changed("acme").get(20, TimeUnit.SECONDS);
    await()
        .atMost(20, TimeUnit.SECONDS)
        .until(() -> store.embeddings("acme", m1, hashes).get().isEmpty());
    assertThat(store.embeddings("acme", settings.get().space(), hashes).get())
        .as("the vectors in use stay")
        .hasSize(3);
  }

  @Test
  void vectorsLongerThanLucenesDefaultLimitAreIndexed() throws Exception {
    Section s = new Section("Reimbursements", "We pay back within 30 days.");
    float[] v = new float[1536]; // OpenAI's text-embedding-3-small
    v[7] = 1;
    v[1500] = 0.5f;
    SiteIndex i =
        SiteIndex.build(
            data.resolve("long"),
            List.of(doc("d", s)),
            "space",
            Map.of(Embedder.hash(Embedder.text(s)), v));
    try {
      assertThat(i.vectors()).isEqualTo(1);
      float[] q = new float[1536];
      q[7] = 1;
      assertThat(i.search("nothing in common", List.of(), 1, q))
          .extracting(h -> h.passage().title())
          .containsExactly("Reimbursements");
    } finally {
      i.retire();
    }
  }

  @Test
  void anUploadIsEmbeddedAndAFailureIsShownOnTheDocumentWhichStillServes() throws Exception {
    KnowledgeIndexes k = node("n");
    try (KnowledgeService service =
        new KnowledgeService(
            store,
            k,
            new Ingestor(Ingestor.Limits.DEFAULTS),
            new UrlFetcher(new UrlFetcher.Limits(2000, Duration.ofSeconds(10), 5, true)),
            500,
            Clock.systemUTC())) {
      int before = endpoint.embedded.get();
      Document ok =
          service
              .upload("acme", "faq.md", bytes("# Refund form\n\nFill in the form to be repaid."))
              .get(20, TimeUnit.SECONDS)
              .document();
      assertThat(ok.status()).isEqualTo(Status.READY);
      assertThat(ok.reason()).isNull();
      assertThat(endpoint.embedded.get())
          .as("embedded at upload; the rebuild found it stored")
          .isEqualTo(before + 1);

      endpoint.mode(FakeEmbeddingsServer.Mode.HTTP_401);
      Document words =
          service
              .upload("acme", "tea.md", bytes("# Teapots\n\nOur teapots hold one litre."))
              .get(20, TimeUnit.SECONDS)
              .document();
      assertThat(words.status()).as("still searchable by its words").isEqualTo(Status.READY);
      assertThat(words.reason()).contains("words only").contains("HTTP 401");
      assertThat(k.apply("acme").search("teapots", List.of(), 1).getFirst().passage().title())
          .isEqualTo("Teapots");
    }
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
