package dev.parley.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.parley.chat.ChannelGrants;
import dev.parley.core.Authenticator.AuthenticationException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code channels} claim of a JWT: the channels a namespace of audience granted admits. */
class JwtGrantsTest {
  final JwtVerifier verifier = new JwtProfileTest().verifier;

  @Test
  void aTokensChannelsClaimBecomesItsGrantAndNoPartOfTheProfile() throws Exception {
    JwtVerifier.Claims c =
        verifier.verify(
            JwtProfileTest.sign(
                new JWTClaimsSet.Builder()
                    .claim("name", "Ana")
                    .claim(
                        "channels",
                        Map.of(
                            "subscribe", List.of("dash:acme-*", "notify:u-7"),
                            "publish", List.of("dash:acme-notes")))));
    assertThat(c.grants())
        .isEqualTo(
            new ChannelGrants(List.of("dash:acme-*", "notify:u-7"), List.of("dash:acme-notes")));
    assertThat(c.profile()).containsOnlyKeys("name");
  }

  @Test
  void aTokenWithoutTheClaimGrantsNothing() throws Exception {
    assertThat(verifier.verify(JwtProfileTest.sign(new JWTClaimsSet.Builder())).grants())
        .isEqualTo(ChannelGrants.NONE);
  }

  @Test
  void aMalformedClaimRefusesTheWholeTokenNamingWhatIsWrong() throws Exception {
    String token =
        JwtProfileTest.sign(
            new JWTClaimsSet.Builder().claim("channels", Map.of("subscribe", List.of("chat_x:*"))));
    assertThatThrownBy(() -> verifier.verify(token))
        .isInstanceOf(AuthenticationException.class)
        .hasMessageContaining("channels.subscribe[0] must begin with a namespace's name");
  }
}
