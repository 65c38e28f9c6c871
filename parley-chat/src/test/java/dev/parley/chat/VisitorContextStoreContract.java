package dev.parley.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The guarantees of {@link VisitorContextStore}, run against every implementation. */
@Timeout(60)
public abstract class VisitorContextStoreContract {
  protected VisitorContextStore store;

  protected abstract VisitorContextStore openStore() throws Exception;

  /** The same store opened again (a restart); null when the implementation keeps nothing. */
  protected VisitorContextStore reopen() throws Exception {
    return null;
  }

  @BeforeEach
  void open() throws Exception {
    store = openStore();
  }

  static <T> T get(CompletableFuture<T> f) throws Exception {
    return f.get(10, TimeUnit.SECONDS);
  }

  static VisitorContext page(String conv, String url, Map<String, String> identity) {
    return new VisitorContext(
        conv,
        "acme",
        "acme:ann",
        url,
        "Pricing",
        null,
        "ar",
        "Mozilla/5.0",
        "Asia/Dubai",
        240,
        identity,
        Map.of("ignored", "by savePage"),
        1000);
  }

  static Map<String, String> ordered(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void aPageIsKeptWithItsIdentityAndALaterOneReplacesIt() throws Exception {
    get(
        store.savePage(
            page("chat_1", "https://a.example/", ordered("plan", "pro", "name", "Ann"))));
    VisitorContext c = get(store.of("chat_1")).orElseThrow();
    assertThat(c.url()).isEqualTo("https://a.example/");
    assertThat(c.referrer()).isNull();
    assertThat(c.utcOffsetMinutes()).isEqualTo(240);
    assertThat(c.identity()).containsExactly(Map.entry("plan", "pro"), Map.entry("name", "Ann"));
    assertThat(c.prechat()).as("savePage writes no answers").isEmpty();

    get(store.savePage(page("chat_1", "https://a.example/b", ordered("name", "Ann"))));
    c = get(store.of("chat_1")).orElseThrow();
    assertThat(c.url()).isEqualTo("https://a.example/b");
    assertThat(c.identity()).containsExactly(Map.entry("name", "Ann"));
    assertThat(get(store.of("chat_2"))).isEmpty();
  }

  @Test
  void answersAndPagesLeaveEachOtherAloneAndSurviveARestart() throws Exception {
    get(
        store.savePrechat(
            "chat_1", "acme", "acme:ann", ordered("name", "Ann", "email", "a@b.example"), 5));
    VisitorContext only = get(store.of("chat_1")).orElseThrow();
    assertThat(only.url()).isNull();
    assertThat(only.visitor()).isEqualTo("acme:ann");
    assertThat(only.prechat())
        .containsExactly(Map.entry("name", "Ann"), Map.entry("email", "a@b.example"));

    get(store.savePage(page("chat_1", "https://a.example/", Map.of())));
    get(store.savePrechat("chat_1", "acme", "acme:ann", ordered("name", "Ann Lee"), 6));
    VisitorContextStore again = reopen();
    VisitorContextStore s = again == null ? store : again;
    if (again != null) {
      store = again;
    }
    VisitorContext c = get(s.of("chat_1")).orElseThrow();
    assertThat(c.url()).isEqualTo("https://a.example/");
    assertThat(c.prechat()).containsExactly(Map.entry("name", "Ann Lee"));
  }

  @Test
  void forgettingDeletesEverythingOfTheConversationOnly() throws Exception {
    get(store.savePage(page("chat_1", "https://a.example/", ordered("name", "Ann"))));
    get(store.savePrechat("chat_1", "acme", "acme:ann", ordered("name", "Ann"), 5));
    get(store.savePage(page("chat_2", "https://a.example/", ordered("name", "Bo"))));
    assertThat(get(store.forget("chat_1"))).isEqualTo(1);
    assertThat(get(store.of("chat_1"))).isEmpty();
    assertThat(get(store.forget("chat_1"))).isZero();
    assertThat(get(store.of("chat_2")).orElseThrow().identity()).containsEntry("name", "Bo");
    get(store.savePrechat("chat_1", "acme", "acme:ann", Map.of(), 7));
    assertThat(get(store.of("chat_1")).orElseThrow().identity())
        .as("no field of the forgotten context comes back")
        .isEmpty();
  }
}
