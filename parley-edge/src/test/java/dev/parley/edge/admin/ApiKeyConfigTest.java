package dev.parley.edge.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.ConfigStore;
import dev.parley.edge.serverapi.ApiKeyDoc;
import dev.parley.edge.serverapi.ApiKeys;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The server API's keys on the admin side and where they are checked: made with a secret shown once
 * and stored only as its hash, scoped, audited, and refused everywhere once revoked.
 */
@Timeout(10)
class ApiKeyConfigTest extends ConfigurationFixture {
  final ApiKeys keys = new ApiKeys(store, directory);

  Optional<ApiKeyDoc> verify(String key) {
    return keys.verify("Bearer " + key).join();
  }

  @Test
  void aNewKeyIsStoredAsItsHashOnlyAndIsAcceptedUntilRevoked() {
    ApiKeyDoc.Issued issued = config.apiKeys().create("root", "backend", List.of("news")).join();
    String key = issued.key();
    assertThat(key).startsWith("pk_" + issued.doc().id() + "_");
    ConfigStore.Entry stored =
        store.find(ConfigStore.Kind.API_KEY, issued.doc().id()).join().orElseThrow();
    assertThat(stored.body())
        .as("the secret is not stored")
        // the secret is what follows "pk_<id>_" (it may itself hold a '_')
        .doesNotContain(key.substring(("pk_" + issued.doc().id() + "_").length()));
    assertThat(stored.body()).contains(issued.doc().secretSha256());

    ApiKeyDoc found = verify(key).orElseThrow();
    assertThat(found.name()).isEqualTo("backend");
    assertThat(found.covers("news")).isTrue();
    assertThat(found.covers("dash")).isFalse();
    assertThat(found.coversAll()).isFalse();

    assertThat(config.apiKeys().revoke("root", issued.doc().id()).join())
        .isInstanceOf(Configuration.Outcome.Done.class);
    assertThat(verify(key)).as("revoked: refused at once on this node").isEmpty();
    assertThat(config.apiKeys().revoke("root", issued.doc().id()).join())
        .as("revoking twice finds none in force")
        .isInstanceOf(Configuration.Outcome.Missing.class);
    assertThat(config.apiKeys().list().join()).singleElement().matches(ApiKeyDoc::revoked);
    assertThat(config.audit(10, Long.MAX_VALUE).join())
        .extracting(ConfigStore.Audit::action)
        .containsExactly("revoke", "create");
    assertThat(config.audit(10, Long.MAX_VALUE).join())
        .allSatisfy(a -> assertThat(a.detail()).doesNotContain(key));
  }

  @Test
  void aKeyWithAnotherSecretOrAnUnknownIdOrAnotherSchemeIsRefused() {
    ApiKeyDoc.Issued issued = config.apiKeys().create("root", "backend", List.of("*")).join();
    String key = issued.key();
    String tampered = key.substring(0, key.length() - 1) + (key.endsWith("A") ? "B" : "A");
    assertThat(verify(tampered)).isEmpty();
    // The right secret under an unknown id: the secret is what follows pk_<id>_ (it may itself hold
    // a '_', so not what follows the last one, which made this a key with a stump of a secret).
    String secret = key.substring(("pk_" + issued.doc().id() + "_").length());
    assertThat(verify("pk_0000000000000000_" + secret)).isEmpty();
    assertThat(verify("not-a-key")).isEmpty();
    assertThat(keys.verify("Basic " + key).join()).isEmpty();
    assertThat(keys.verify(null).join()).isEmpty();
    assertThat(verify(key).orElseThrow().coversAll()).isTrue();
  }

  @Test
  void aKeyMadeOnAnotherNodeIsKnownHereOnceThisNodeHasTheNewVersion() {
    ApiKeys elsewhere = new ApiKeys(store, directory);
    assertThat(elsewhere.verify("Bearer pk_0123456789abcdef_x").join()).isEmpty();
    ApiKeyDoc.Issued issued = config.apiKeys().create("root", "backend", List.of("news")).join();
    assertThat(elsewhere.verify("Bearer " + issued.key()).join()).isPresent();
  }

  @Test
  void aKeyNeedsANameAndNamespacesThatCanExist() {
    assertThatThrownBy(() -> config.apiKeys().create("root", "", List.of("news")))
        .isInstanceOf(InvalidSetting.class)
        .hasMessageContaining("name");
    assertThatThrownBy(() -> config.apiKeys().create("root", "b", List.of()))
        .isInstanceOf(InvalidSetting.class)
        .hasMessageContaining("namespaces");
    assertThatThrownBy(() -> config.apiKeys().create("root", "b", List.of("news", "Bad Name")))
        .isInstanceOf(InvalidSetting.class)
        .matches(e -> ((InvalidSetting) e).field().equals("namespaces[1]"));
    assertThatThrownBy(() -> config.apiKeys().create("root", "b", List.of("agents")))
        .isInstanceOf(InvalidSetting.class)
        .hasMessageContaining("reserved");
    assertThat(config.apiKeys().list().join()).isEmpty();
  }
}
