package dev.parley.transport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The transport's own origin rules, case by case. */
class OriginsTest {
  @Test
  void theServersOwnOriginIsTheHostHeadersHostAndPortWithDefaultPortsSpeltOutOrNot() {
    assertThat(Origins.isServersOwn("http://chat.test:8080", "chat.test:8080")).isTrue();
    assertThat(Origins.isServersOwn("https://Chat.Test", "chat.test")).isTrue();
    assertThat(Origins.isServersOwn("https://chat.test", "chat.test:443")).isTrue();
    assertThat(Origins.isServersOwn("http://chat.test:80", "chat.test")).isTrue();
    assertThat(Origins.isServersOwn("http://[::1]:8080", "[::1]:8080")).isTrue();
    assertThat(Origins.isServersOwn("http://127.0.0.1:8080", "127.0.0.1:8080")).isTrue();
  }

  @Test
  void anythingElseIsNot() {
    assertThat(Origins.isServersOwn("http://chat.test:8081", "chat.test:8080"))
        .as("another port")
        .isFalse();
    assertThat(Origins.isServersOwn("https://chat.test", "chat.test:80"))
        .as("443 is not 80")
        .isFalse();
    assertThat(Origins.isServersOwn("http://chat.test.evil.example", "chat.test")).isFalse();
    assertThat(Origins.isServersOwn("http://evil.example", "evil.example@chat.test"))
        .as("userinfo in Host")
        .isFalse();
    assertThat(Origins.isServersOwn("null", "chat.test")).isFalse();
    assertThat(Origins.isServersOwn(null, "chat.test")).isFalse();
    assertThat(Origins.isServersOwn("http://chat.test", null)).isFalse();
    assertThat(Origins.isServersOwn("file://chat.test", "chat.test")).as("not http(s)").isFalse();
    assertThat(Origins.isServersOwn("http://chat.test/path", "chat.test"))
        .as("an origin has no path")
        .isFalse();
    assertThat(Origins.isServersOwn("http://chat.test", "chat.test/x")).isFalse();
    assertThat(Origins.isServersOwn("not a uri", "chat.test")).isFalse();
  }

  @Test
  void aSessionContinuesOnlyWithItsOpenersOriginOrSameOriginFetchesOfTheServersOwnPages() {
    String own = "http://chat.test:8080";
    String shop = "https://shop.example";
    assertThat(Origins.mayContinue(shop, shop, "cross-site", "chat.test:8080")).isTrue();
    assertThat(Origins.mayContinue(shop, "https://evil.example", null, "chat.test:8080")).isFalse();
    assertThat(Origins.mayContinue(shop, null, "same-origin", "chat.test:8080")).isFalse();
    assertThat(Origins.mayContinue(own, null, "same-origin", "chat.test:8080")).isTrue();
    assertThat(Origins.mayContinue(own, null, null, "chat.test:8080")).isFalse();
    assertThat(Origins.mayContinue(null, null, null, "chat.test:8080")).isTrue();
    assertThat(Origins.mayContinue(null, shop, null, "chat.test:8080")).isFalse();
    assertThat(Origins.mayContinue(null, null, "same-origin", "chat.test:8080")).isFalse();
    assertThat(Origins.mayContinue("null", "null", null, "chat.test:8080")).isFalse();
  }
}
