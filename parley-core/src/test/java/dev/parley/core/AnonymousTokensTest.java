package dev.parley.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.core.Authenticator.AuthenticationException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Anonymous visitor tokens: their own key (issue 14.11), and the first format only for the ids it
 * made.
 */
class AnonymousTokensTest {
  static final byte[] SECRET =
      "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  final AnonymousTokens tokens = new AnonymousTokens(SECRET, Map.of("role", "visitor"));

  @Test
  void aNewVisitorsTokenMakesItTheSameVisitorAgain() {
    Principal fresh = tokens.principal(null);
    assertThat(fresh.user()).matches("v_[A-Za-z0-9_-]{16}");
    assertThat(fresh.token()).startsWith("v2." + fresh.user() + ".");
    Principal again = tokens.principal(fresh.token());
    assertThat(again.user()).isEqualTo(fresh.user());
    assertThat(again.claims()).containsEntry("role", "visitor");
    assertThat(again.expires()).isFalse();
  }

  @Test
  void aSignatureMadeWithTheBareSecretOrAnotherPurposeIsRefused() {
    Principal fresh = tokens.principal(null);
    String bare = "v2." + fresh.user() + "." + HmacSigner.raw(SECRET).sign(fresh.user());
    assertThatThrownBy(() -> tokens.principal(bare)).isInstanceOf(AuthenticationException.class);
    String agentKey =
        "v2."
            + fresh.user()
            + "."
            + HmacSigner.forPurpose(SECRET, "agent-token").sign(fresh.user());
    assertThatThrownBy(() -> tokens.principal(agentKey))
        .isInstanceOf(AuthenticationException.class);
    String otherUser =
        "v2.v_AAAAAAAAAAAAAAAA." + fresh.token().substring(fresh.token().lastIndexOf('.') + 1);
    assertThatThrownBy(() -> tokens.principal(otherUser))
        .isInstanceOf(AuthenticationException.class);
  }

  @Test
  void theFirstFormatCountsOnlyForTheIdsThisClassMade() {
    String id = "v_ABCDEFGHIJKLMNOP";
    String legacy = "v1." + id + "." + HmacSigner.raw(SECRET).sign(id);
    assertThat(tokens.principal(legacy).user()).isEqualTo(id);
    // An agent token of the first version, signed with the bare secret, relabelled v1.: its user
    // part
    // is "<user>.<expiry>", which no anonymous id looks like.
    String payload = "maya." + Long.MAX_VALUE;
    String relabelled = "v1." + payload + "." + HmacSigner.raw(SECRET).sign(payload);
    assertThatThrownBy(() -> tokens.principal(relabelled))
        .isInstanceOf(AuthenticationException.class);
    String chosen = "v1.admin." + HmacSigner.raw(SECRET).sign("admin");
    assertThatThrownBy(() -> tokens.principal(chosen)).isInstanceOf(AuthenticationException.class);
  }
}
