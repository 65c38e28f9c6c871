package dev.parley.bots.knowledge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.bots.Knowledge;
import dev.parley.chat.InMemoryKnowledgeStore;
import dev.parley.chat.KnowledgeStore.Document;
import dev.parley.chat.KnowledgeStore.Section;
import dev.parley.chat.KnowledgeStore.Status;
import dev.parley.core.InMemoryBroker;
import dev.parley.core.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class KnowledgeIndexesTest {
  @TempDir Path data;
  final InMemoryKnowledgeStore store = new InMemoryKnowledgeStore();
  final InMemoryBroker broker = new InMemoryBroker();
  final ManualClock clock = new ManualClock();
  final Knowledge builtIn =
      (q, c, n) ->
          List.of(
              new Knowledge.Hit(
                  new Knowledge.Passage("Built in", "Parley docs", "Parley", "kb"), 1));
  KnowledgeIndexes indexes;

  static Document doc(String site, String id, String lang, Status status, Section... sections) {
    return new Document(
        id,
        site,
        id + " title",
        id + ".md",
        Sniffer.MARKDOWN,
        10,
        "sha-" + id,
        status,
        null,
        lang,
        List.of(sections),
        1);
  }

  @BeforeEach
  void open() throws Exception {
    store
        .add(
            doc(
                "acme",
                "kettles",
                "en",
                Status.READY,
                new Section("Warranty", "Every kettle has a two year warranty."),
                new Section("Descaling", "Descale the kettle monthly with vinegar.")))
        .get();
    store.add(doc("acme", "broken", "en", Status.FAILED)).get();
    store
        .add(
            doc(
                "globex",
                "versand",
                "de",
                Status.READY,
                new Section("Versand", "Wir versenden Bestellungen innerhalb von drei Tagen.")))
        .get();
    Files.createDirectories(data.resolve("knowledge/acme/stale"));
    indexes =
        new KnowledgeIndexes(
            store,
            data.resolve("knowledge"),
            site -> builtIn,
            broker,
            clock,
            Duration.ofSeconds(5));
    indexes.start().get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void close() {
    indexes.close();
    broker.close();
  }

  static List<Path> generations(Path siteDir) throws Exception {
    try (Stream<Path> l = Files.list(siteDir)) {
      return l.toList();
    }
  }

  @Test
  void eachSiteIsAnsweredFromItsOwnReadyDocumentsOnDisk() throws Exception {
    Knowledge acme = indexes.apply("acme");
    List<Knowledge.Hit> hits = acme.search("What is the warranty?", List.of(), 3);
    assertThat(hits.getFirst().passage().title()).isEqualTo("Warranty");
    assertThat(hits.getFirst().passage().document()).isEqualTo("kettles title");
    assertThat(hits.getFirst().passage().source()).isEqualTo("kettles.md");
    assertThat(hits.getFirst().confidence()).isEqualTo(1.0);
    assertThat(acme.search("Versand Bestellungen", List.of(), 3))
        .as("another site's documents are not this site's")
        .isEmpty();
    assertThat(generations(data.resolve("knowledge/acme")))
        .as("one generation; what was there before start is gone")
        .hasSize(1)
        .allSatisfy(g -> assertThat(g.getFileName().toString()).isNotEqualTo("stale"));
    assertThat(indexes.apply("acme")).isSameAs(acme);
    assertThat(
            PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("knowledge"))))
        .as("the index holds the documents' text: this user's only")
        .isEqualTo("rwx------");
  }

  @Test
  void aGermanQuestionFindsAGermanDocumentThroughItsStemmer() {
    List<Knowledge.Hit> hits =
        indexes.apply("globex").search("Versenden Sie meine Bestellung?", List.of(), 1);
    assertThat(hits).hasSize(1);
    assertThat(hits.getFirst().passage().title()).isEqualTo("Versand");
    assertThat(hits.getFirst().confidence())
        .as("Bestellung and Bestellungen share their stem; Sie and meine are stop words")
        .isEqualTo(1.0);
  }

  @Test
  void theRecentConversationRanksButOnlyTheQuestionCountsForConfidence() {
    Knowledge acme = indexes.apply("acme");
    List<Knowledge.Hit> hits =
        acme.search("how often should I do that?", List.of("My kettle needs descaling"), 2);
    assertThat(hits.getFirst().passage().title()).isEqualTo("Descaling");
    assertThat(hits.getFirst().confidence()).as("'often' is in no section").isZero();
  }

  @Test
  void theEarlierTurnsNeverOutrankTheQuestionsOwnWords() {
    List<Knowledge.Hit> hits =
        indexes
            .apply("acme")
            .search(
                "What about descaling?",
                List.of("Tell me about the warranty", "Is the warranty long?"),
                2);
    assertThat(hits).extracting(h -> h.passage().title()).containsExactly("Descaling");
  }

  @Test
  void aSiteWithoutDocumentsKeepsTheDeploymentsKnowledge() {
    assertThat(indexes.apply("demo").search("anything", List.of(), 1))
        .extracting(h -> h.passage().title())
        .containsExactly("Built in");
    assertThat(indexes.apply("demo").own()).isFalse();
    assertThat(indexes.apply("acme").own()).isTrue();
  }

  @Test
  void aChangeBuildsANewGenerationAndTheOldOneGoesOnlyAfterTheSearchesOnIt() throws Exception {
    SiteKnowledge acme = indexes.apply("acme");
    SiteIndex old = acme.current();
    assertThat(old.acquire()).as("a search in flight").isTrue();
    store
        .add(
            doc(
                "acme",
                "teapots",
                "en",
                Status.READY,
                new Section("Teapots", "Teapots are made of porcelain.")))
        .get();
    indexes.changed("acme").get(10, TimeUnit.SECONDS);
    assertThat(acme.current()).isNotSameAs(old);
    assertThat(acme.search("porcelain teapots", List.of(), 1).getFirst().passage().title())
        .isEqualTo("Teapots");
    assertThat(old.search("warranty", List.of(), 1))
        .as("the old generation still answers")
        .hasSize(1);
    assertThat(Files.exists(old.dir())).isTrue();
    old.release();
    assertThat(Files.exists(old.dir())).as("deleted after the last search").isFalse();
    assertThat(generations(data.resolve("knowledge/acme"))).hasSize(1);
    assertThat(old.acquire()).isFalse();
  }

  @Test
  void aChangeWithoutAnEventIsFoundByThePoll() throws Exception {
    long before = indexes.built("acme");
    store.delete("acme", "kettles").get();
    clock.advance(Duration.ofSeconds(5));
    await().atMost(Duration.ofSeconds(10)).until(() -> indexes.built("acme") > before);
    assertThat(indexes.apply("acme").search("warranty", List.of(), 1))
        .as("no ready document left: the deployment's knowledge again")
        .extracting(h -> h.passage().title())
        .containsExactly("Built in");
  }

  @Test
  void siteIdsBecomeSafeDirectoryNames() {
    assertThat(KnowledgeIndexes.dirName("acme-1")).isEqualTo("acme-1");
    assertThat(KnowledgeIndexes.dirName("../etc")).isEqualTo("x2e2e2f657463");
  }
}
