package dev.parley.edge;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.parley.chat.BusinessHours;
import dev.parley.chat.ChatIdentity;
import dev.parley.chat.Site;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The profile claims of a site's identity JWT (name, email, plan…), which fill the agents' visitor
 * panel: what is kept, what is left out, and the bounds.
 */
class JwtProfileTest {
  static final String SECRET = "acme-identity-secret-of-32-bytes!!";

  static final Site ACME =
      new Site(
          "acme",
          "Acme",
          List.of(),
          "hi",
          "Bot",
          0.5,
          BusinessHours.always(),
          true,
          SECRET,
          Duration.ofMinutes(15),
          null,
          List.of());

  final JwtVerifier verifier =
      new JwtVerifier(JwtVerifier.Settings.none(), Map.of("acme", ACME)::get);

  @SuppressWarnings("JavaUtilDate") // Nimbus JOSE speaks java.util.Date
  static String sign(JWTClaimsSet.Builder claims) throws Exception {
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader(JWSAlgorithm.HS256),
            claims
                .subject("u-7")
                .claim("site", "acme")
                .expirationTime(new Date(System.currentTimeMillis() + 60_000))
                .issueTime(new Date())
                .build());
    jwt.sign(new MACSigner(SECRET));
    return jwt.serialize();
  }

  @Test
  void aSitesTokenCarriesItsOtherTopLevelScalarsAsTheProfile() throws Exception {
    JwtVerifier.Claims c =
        verifier.verify(
            sign(
                new JWTClaimsSet.Builder()
                    .claim("name", "Ana Lima")
                    .claim("email", "ana@example.com")
                    .claim("plan", "pro")
                    .claim("seats", 12)
                    .claim("trial", false)
                    .claim("address", Map.of("city", "Porto"))
                    .claim("tags", List.of("a", "b"))
                    .claim("bad name!", "x")
                    .claim("note", "line\nbreak")
                    .claim("bio", "é".repeat(300))
                    .jwtID("j1")
                    .issuer("acme")));
    assertThat(c.identified()).isTrue();
    assertThat(c.profile())
        .containsOnlyKeys("name", "email", "plan", "seats", "trial", "bio")
        .containsEntry("name", "Ana Lima")
        .containsEntry("seats", "12")
        .containsEntry("trial", "false");
    assertThat(c.profile().get("bio")).hasSize(ChatIdentity.MAX_PROFILE_VALUE);
  }

  @Test
  void atMostTwentyClaimsAreKeptByName() throws Exception {
    JWTClaimsSet.Builder b = new JWTClaimsSet.Builder();
    for (int i = 10; i < 40; i++) {
      b.claim("c" + i, "v" + i);
    }
    Map<String, String> profile = verifier.verify(sign(b)).profile();
    assertThat(profile)
        .hasSize(ChatIdentity.MAX_PROFILE_CLAIMS)
        .containsKey("c10")
        .containsKey("c29");
    assertThat(profile).doesNotContainKey("c30");
  }
}
