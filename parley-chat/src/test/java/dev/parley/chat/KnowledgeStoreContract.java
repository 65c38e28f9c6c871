package dev.parley.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.KnowledgeStore.Added;
import dev.parley.chat.KnowledgeStore.Document;
import dev.parley.chat.KnowledgeStore.Section;
import dev.parley.chat.KnowledgeStore.Status;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The guarantees of {@link KnowledgeStore}, run against every implementation. */
@Timeout(60)
public abstract class KnowledgeStoreContract {
  protected KnowledgeStore store;

  protected abstract KnowledgeStore openStore() throws Exception;

  @BeforeEach
  void open() throws Exception {
    store = openStore();
  }

  @AfterEach
  void close() {
    store.close();
  }

  static <T> T get(CompletableFuture<T> f) throws Exception {
    return f.get(10, TimeUnit.SECONDS);
  }

  static Document doc(String site, String id, String sha) {
    return new Document(
        id,
        site,
        "Pricing",
        "pricing.pdf",
        "application/pdf",
        1234,
        sha,
        Status.INDEXING,
        null,
        null,
        List.of(),
        10);
  }

  @Test
  void theSameContentTwiceIsOneDocumentPerSite() throws Exception {
    Added first = get(store.add(doc("acme", "d1", "aa11")));
    assertThat(first.created()).isTrue();
    Added again = get(store.add(doc("acme", "d2", "aa11")));
    assertThat(again.created()).as("same hash, same site").isFalse();
    assertThat(again.document().id()).isEqualTo("d1");
    Added elsewhere = get(store.add(doc("globex", "d3", "aa11")));
    assertThat(elsewhere.created()).as("another site keeps its own copy").isTrue();
    assertThat(get(store.list("acme", false))).extracting(Document::id).containsExactly("d1");
    assertThat(get(store.find("acme", "d2"))).isEmpty();
  }

  @Test
  void anUpdateKeepsTheSectionsInOrderAndTheStatusWithItsReason() throws Exception {
    Document d = get(store.add(doc("acme", "d1", "bb22"))).document();
    List<Section> sections =
        List.of(new Section("Plans", "Basic and Pro."), new Section("Refunds", "Within 30 days."));
    assertThat(get(store.update(d.with(Status.READY, null, "Price list", "en", sections, 20))))
        .isTrue();
    Document ready = get(store.find("acme", "d1")).orElseThrow();
    assertThat(ready.status()).isEqualTo(Status.READY);
    assertThat(ready.title()).isEqualTo("Price list");
    assertThat(ready.language()).isEqualTo("en");
    assertThat(ready.sections()).isEqualTo(sections);
    assertThat(ready.updatedAtMillis()).isEqualTo(20);
    assertThat(ready.sha256()).isEqualTo("bb22");
    assertThat(ready.size()).isEqualTo(1234);
    assertThat(get(store.list("acme", false)).getFirst().sections())
        .as("a listing leaves the sections out")
        .isEmpty();
    assertThat(get(store.list("acme", true)).getFirst().sections()).isEqualTo(sections);

    get(
        store.update(
            ready.with(
                Status.FAILED, "the PDF cannot be read", "Price list", null, List.of(), 30)));
    Document failed = get(store.find("acme", "d1")).orElseThrow();
    assertThat(failed.status()).isEqualTo(Status.FAILED);
    assertThat(failed.reason()).isEqualTo("the PDF cannot be read");
    assertThat(failed.sections()).isEmpty();
    assertThat(get(store.update(doc("acme", "nope", "cc33")))).as("no such document").isFalse();
  }

  @Test
  void everyChangeRaisesTheSitesVersionByOne() throws Exception {
    assertThat(get(store.versions())).isEmpty();
    Document d = get(store.add(doc("acme", "d1", "aa"))).document();
    assertThat(get(store.versions())).containsEntry("acme", 1L);
    get(store.add(doc("acme", "d2", "aa")));
    assertThat(get(store.versions())).as("a duplicate changes nothing").containsEntry("acme", 1L);
    get(store.update(d.with(Status.READY, null, "t", "en", List.of(new Section("a", "b")), 11)));
    get(store.add(doc("globex", "g1", "aa")));
    assertThat(get(store.versions())).containsEntry("acme", 2L).containsEntry("globex", 1L);
    assertThat(get(store.delete("acme", "d1"))).isTrue();
    assertThat(get(store.delete("acme", "d1"))).isFalse();
    assertThat(get(store.versions())).containsEntry("acme", 3L);
    assertThat(get(store.list("acme", true))).isEmpty();
    assertThat(get(store.add(doc("acme", "d4", "aa"))).created())
        .as("deleted content can come back")
        .isTrue();
  }

  @Test
  void textKeepsEveryCharacter() throws Exception {
    Document d = get(store.add(doc("acme", "d1", "dd44"))).document();
    String body = "Größe: 10 € — «quotes» 'single' \"double\"\nnew line; 日本語";
    get(
        store.update(
            d.with(Status.READY, null, "Ünïcode", "de", List.of(new Section("Ü", body)), 12)));
    assertThat(get(store.find("acme", "d1")).orElseThrow().sections().getFirst().body())
        .isEqualTo(body);
  }

  @Test
  void embeddingsAreKeptPerSiteAndSpaceAndPrunedOnlyWhenOldAndUnused() throws Exception {
    float[] v = {0.25f, -1.5f, 3e-7f};
    get(store.putEmbeddings("acme", "e1 m1", Map.of("h1", v, "h2", new float[] {1f}), 100));
    get(store.putEmbeddings("acme", "e1 m2", Map.of("h1", new float[] {2f}), 100));
    get(store.putEmbeddings("globex", "e1 m1", Map.of("h1", new float[] {3f}), 100));
    Map<String, float[]> got = get(store.embeddings("acme", "e1 m1", List.of("h1", "h3")));
    assertThat(got).containsOnlyKeys("h1");
    assertThat(got.get("h1")).as("every bit of the vector").containsExactly(v);
    assertThat(get(store.embeddings("acme", "e1 m2", List.of("h1"))).get("h1")).containsExactly(2f);
    assertThat(get(store.versions())).as("a cache, not a change of the documents").isEmpty();

    get(store.putEmbeddings("acme", "e1 m1", Map.of("h1", new float[] {9f}), 200));
    assertThat(get(store.embeddings("acme", "e1 m1", List.of("h1"))).get("h1"))
        .as("stored again: replaced")
        .containsExactly(9f);

    assertThat(get(store.pruneEmbeddings("acme", "e1 m1", Set.of("h1"), 150)))
        .as("h2 (unused) and the other model's h1 go; h1 was stored after the cut-off")
        .isEqualTo(2);
    assertThat(get(store.embeddings("acme", "e1 m1", List.of("h1", "h2")))).containsOnlyKeys("h1");
    assertThat(get(store.embeddings("acme", "e1 m2", List.of("h1")))).isEmpty();
    assertThat(get(store.pruneEmbeddings("acme", "e1 m1", Set.of(), 150)))
        .as("too recent to prune")
        .isZero();
    assertThat(get(store.embeddings("globex", "e1 m1", List.of("h1"))))
        .as("another site's are its own")
        .containsOnlyKeys("h1");
  }
}
