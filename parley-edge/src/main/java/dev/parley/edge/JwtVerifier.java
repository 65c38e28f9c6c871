package dev.parley.edge;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.parley.chat.ChannelGrants;
import dev.parley.chat.ChatIdentity;
import dev.parley.chat.Site;
import dev.parley.core.Authenticator.AuthenticationException;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies JSON Web Tokens (RFC 7519) with Nimbus JOSE + JWT: signed with HS256, RS256 or ES256
 * only — {@code alg: none}, other algorithms, and a key of the wrong type for the token's algorithm
 * are refused. Two kinds of issuer:
 *
 * <ul>
 *   <li><b>the deployment's</b> identity provider: an HS256 secret, a PEM public key (RSA or EC
 *       P-256) and/or a JWKS URL (cached, refreshed ahead of expiry and re-read when a token names
 *       an unknown {@code kid}, so keys rotate without a restart). Its tokens may carry {@code
 *       role} {@code visitor} (default), {@code agent} or {@code admin}, and {@code site};
 *   <li><b>a site's backend</b>, identity verification: a token whose {@code site} claim names a
 *       site with an identity secret must be signed (HS256) with that secret, and makes a visitor
 *       of that site only.
 * </ul>
 *
 * Every token needs {@code sub} and {@code exp}; {@code iss} and {@code aud} are checked when
 * configured. Thread-safe; {@link #verify} may block on the JWKS URL, so callers run it off event
 * loops.
 */
public final class JwtVerifier {

  /** The three algorithms Parley accepts. */
  public static final Set<JWSAlgorithm> ALGORITHMS =
      Set.of(JWSAlgorithm.HS256, JWSAlgorithm.RS256, JWSAlgorithm.ES256);

  /**
   * The deployment's keys and claim checks.
   *
   * @param secret HS256 secret, at least 32 bytes, or null
   * @param publicKeys PEM files ({@code BEGIN PUBLIC KEY}) with RSA or EC P-256 keys
   * @param jwksUrl the identity provider's JWKS URL, or null
   * @param issuer the required {@code iss}, or null
   * @param audience the required {@code aud}, or null
   * @param jwksCacheTtl how long fetched keys are used before they are fetched again
   * @param clockSkew tolerance for {@code exp} and {@code nbf}
   */
  public record Settings(
      String secret,
      List<Path> publicKeys,
      URI jwksUrl,
      String issuer,
      String audience,
      Duration jwksCacheTtl,
      Duration clockSkew) {

    /** No deployment keys: only site identity tokens are verified. */
    public static Settings none() {
      return new Settings(
          null, List.of(), null, null, null, Duration.ofMinutes(5), Duration.ofSeconds(30));
    }

    /** Whether any deployment key is configured. */
    public boolean any() {
      return secret != null || !publicKeys.isEmpty() || jwksUrl != null;
    }
  }

  /**
   * What a verified token says.
   *
   * @param subject {@code sub}
   * @param role {@code visitor}, {@code agent} or {@code admin}
   * @param site the site it is bound to, or null
   * @param identified whether a site's backend signed it (identity verification)
   * @param expiresAtMillis {@code exp} plus the clock skew, in epoch ms
   * @param profile for a site's token, its other claims (name, email, plan…) as text by name: the
   *     {@link #profile} of it; empty otherwise
   * @param grants the channels its {@code channels} claim grants ({@link ChannelGrants#NONE}
   *     without one)
   */
  public record Claims(
      String subject,
      String role,
      String site,
      boolean identified,
      long expiresAtMillis,
      Map<String, String> profile,
      ChannelGrants grants) {}

  /** The registered and Parley's own claims, which are no part of a visitor's profile. */
  private static final Set<String> NOT_PROFILE =
      Set.of("iss", "sub", "aud", "exp", "nbf", "iat", "jti", "role", "site", "channels");

  /**
   * The claims of a site's identity JWT that describe the visitor for the agents' visitor panel:
   * every top-level string, number or boolean claim but the registered ones and {@code role} and
   * {@code site}, whose name is 1-64 of {@code A-Z a-z 0-9 _ -}, at most {@link
   * ChatIdentity#MAX_PROFILE_CLAIMS} of them (by name), each cut to {@link
   * ChatIdentity#MAX_PROFILE_VALUE} characters. Objects, arrays and nulls are left out.
   */
  static Map<String, String> profile(JWTClaimsSet claims) {
    Map<String, String> out = new TreeMap<>();
    new TreeMap<>(claims.getClaims())
        .forEach(
            (name, value) -> {
              if (out.size() >= ChatIdentity.MAX_PROFILE_CLAIMS
                  || NOT_PROFILE.contains(name)
                  || !PROFILE_NAME.matcher(name).matches()
                  || !(value instanceof String
                      || value instanceof Number
                      || value instanceof Boolean)) {
                return;
              }
              String text = value.toString().strip();
              if (text.length() > ChatIdentity.MAX_PROFILE_VALUE) {
                text = text.substring(0, ChatIdentity.MAX_PROFILE_VALUE);
              }
              if (!text.isEmpty() && text.chars().noneMatch(c -> c < 0x20 || c == 0x7f)) {
                out.put(name, text);
              }
            });
    return out;
  }

  private static final Pattern PROFILE_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private static final Logger log = LoggerFactory.getLogger(JwtVerifier.class);

  /** A site's verifier, made for the identity secret it verifies with. */
  private record SiteIssuer(String secret, DefaultJWTProcessor<SecurityContext> processor) {}

  private final Settings settings;
  private final DefaultJWTProcessor<SecurityContext> deployment;

  /** The live sites (their identity secrets may change at any time). */
  private final Function<String, Site> sites;

  /** Per site, the verifier of its current identity secret; remade when the secret changes. */
  private final ConcurrentHashMap<String, SiteIssuer> siteIssuers = new ConcurrentHashMap<>();

  private final long skewMillis;

  /**
   * @param settings the deployment's keys
   * @param sites the live sites, by id; those with an identity secret verify their own visitors'
   *     tokens
   * @throws IllegalArgumentException naming the setting that is wrong (a short secret, a bad PEM)
   */
  public JwtVerifier(Settings settings, Function<String, Site> sites) {
    this.settings = settings;
    this.skewMillis = settings.clockSkew().toMillis();
    this.deployment = settings.any() ? processor(deploymentKeys(settings), settings) : null;
    this.sites = sites;
  }

  /**
   * The verifier of site {@code id}'s visitors' tokens, or null when it has no identity secret (or
   * no such site).
   */
  private DefaultJWTProcessor<SecurityContext> siteIssuer(String id) {
    Site s = id == null ? null : sites.apply(id);
    if (s == null || s.identitySecret() == null) {
      return null;
    }
    SiteIssuer known = siteIssuers.get(id);
    if (known != null && known.secret().equals(s.identitySecret())) {
      return known.processor();
    }
    byte[] secret = s.identitySecret().getBytes(StandardCharsets.UTF_8);
    JWKSource<SecurityContext> key =
        anyKid(new JWKSet(new OctetSequenceKey.Builder(secret).build()));
    DefaultJWTProcessor<SecurityContext> p =
        processor(
            key,
            new Settings(
                null, List.of(), null, null, null, settings.jwksCacheTtl(), settings.clockSkew()));
    siteIssuers.put(id, new SiteIssuer(s.identitySecret(), p));
    return p;
  }

  /** Whether {@code token} has the shape of a JWS compact serialisation (three base64url parts). */
  public static boolean looksLikeJwt(String token) {
    int first = token.indexOf('.');
    int second = first < 0 ? -1 : token.indexOf('.', first + 1);
    return token.startsWith("eyJ") && second > 0 && token.indexOf('.', second + 1) < 0;
  }

  /**
   * Verifies {@code token}. May block on the JWKS URL.
   *
   * @throws AuthenticationException saying why it is not valid (never echoing the token)
   */
  @SuppressWarnings("JavaUtilDate") // Nimbus JOSE speaks java.util.Date
  public Claims verify(String token) {
    SignedJWT jwt;
    String site;
    try {
      jwt = SignedJWT.parse(token);
      site = jwt.getJWTClaimsSet().getStringClaim("site");
    } catch (ParseException e) {
      throw new AuthenticationException("token is not a signed JWT: " + e.getMessage());
    }
    if (!ALGORITHMS.contains(jwt.getHeader().getAlgorithm())) {
      throw new AuthenticationException(
          "token algorithm "
              + jwt.getHeader().getAlgorithm()
              + " is not accepted (HS256, RS256, ES256 only)");
    }
    DefaultJWTProcessor<SecurityContext> bySite = siteIssuer(site);
    DefaultJWTProcessor<SecurityContext> processor = bySite != null ? bySite : deployment;
    if (processor == null) {
      throw new AuthenticationException(
          "this server accepts no JWTs" + (site == null ? "" : " for site " + site));
    }
    JWTClaimsSet claims;
    try {
      claims = processor.process(jwt, null);
    } catch (BadJOSEException e) {
      throw new AuthenticationException(reason(e));
    } catch (JOSEException e) {
      log.debug("JWT verification failed", e);
      throw new AuthenticationException(
          "token cannot be verified now: "
              + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()));
    }
    String sub = claims.getSubject();
    if (sub == null
        || sub.isEmpty()
        || sub.length() > 128
        || sub.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new AuthenticationException("token sub must be 1-128 printable characters");
    }
    String role;
    try {
      role = claims.getStringClaim("role");
    } catch (ParseException e) {
      throw new AuthenticationException("token role must be a string");
    }
    if (bySite != null) {
      if (role != null && !role.equals("visitor")) {
        throw new AuthenticationException("a site's token makes visitors only, not " + role);
      }
      role = "visitor";
    } else if (role == null) {
      role = "visitor";
    } else if (!Set.of("visitor", "agent", "admin").contains(role)) {
      throw new AuthenticationException("token role must be visitor, agent or admin");
    }
    ChannelGrants grants;
    try {
      grants = ChannelGrants.parse(claims.getClaim("channels"));
    } catch (IllegalArgumentException e) {
      throw new AuthenticationException("token " + e.getMessage());
    }
    if (bySite != null && grants.namesServerChannel()) {
      // The server's channels carry every site's figures: one site's backend may not grant them.
      throw new AuthenticationException(
          "a site's token cannot grant the server's channels (parley:…); only the deployment's"
              + " key can");
    }
    return new Claims(
        sub,
        role,
        site,
        bySite != null,
        claims.getExpirationTime().getTime() + skewMillis,
        bySite != null ? profile(claims) : Map.of(),
        grants);
  }

  private static String reason(BadJOSEException e) {
    String m = String.valueOf(e.getMessage());
    if (m.contains("xpired")) {
      return "token expired";
    }
    if (m.contains("No matching key")
        || m.contains("no matching key")
        || m.contains("Signed JWT rejected")) {
      return "token signature is not valid (no key of this server verifies it)";
    }
    return "token is not valid: " + m;
  }

  private static DefaultJWTProcessor<SecurityContext> processor(
      JWKSource<SecurityContext> keys, Settings s) {
    DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
    p.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, keys));
    JWTClaimsSet.Builder exact = new JWTClaimsSet.Builder();
    if (s.issuer() != null) {
      exact.issuer(s.issuer());
    }
    DefaultJWTClaimsVerifier<SecurityContext> claims =
        new DefaultJWTClaimsVerifier<>(s.audience(), exact.build(), Set.of("sub", "exp"));
    claims.setMaxClockSkew((int) s.clockSkew().toSeconds());
    p.setJWTClaimsSetVerifier(claims);
    return p;
  }

  private static JWKSource<SecurityContext> deploymentKeys(Settings s) {
    List<JWK> local = new ArrayList<>();
    if (s.secret() != null) {
      byte[] secret = s.secret().getBytes(StandardCharsets.UTF_8);
      if (secret.length < 32) {
        throw new IllegalArgumentException("jwt-secret must be at least 32 bytes (HS256)");
      }
      local.add(new OctetSequenceKey.Builder(secret).build());
    }
    for (Path pem : s.publicKeys()) {
      local.add(publicKey(pem));
    }
    JWKSet localSet = new JWKSet(local);
    JWKSource<SecurityContext> localSource = anyKid(localSet);
    if (s.jwksUrl() == null) {
      return localSource;
    }
    JWKSource<SecurityContext> remote;
    try {
      long ttl = s.jwksCacheTtl().toMillis();
      remote =
          JWKSourceBuilder.<SecurityContext>create(s.jwksUrl().toURL())
              .cache(ttl, Math.min(ttl, 15_000))
              .refreshAheadCache(false)
              .rateLimited(Math.min(ttl, 10_000))
              .retrying(true)
              .build();
    } catch (MalformedURLException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "jwt-jwks-url " + s.jwksUrl() + " is not a URL: " + e.getMessage());
    }
    return (selector, context) -> {
      List<JWK> found = new ArrayList<>(localSource.get(selector, context));
      if (selector.getMatcher().getKeyTypes() != null
          && selector.getMatcher().getKeyTypes().contains(KeyType.OCT)) {
        return found; // a JWKS publishes public keys: an HS256 token never needs a fetch
      }
      try {
        found.addAll(remote.get(selector, context));
      } catch (KeySourceException e) {
        if (found.isEmpty()) {
          throw e;
        }
      }
      return found;
    };
  }

  /**
   * Configured keys have no kid: they verify tokens whatever kid the token names (matched by key
   * type).
   */
  private static JWKSource<SecurityContext> anyKid(JWKSet keys) {
    return (selector, context) ->
        new JWKSelector(
                new JWKMatcher.Builder(selector.getMatcher()).keyIDs((Set<String>) null).build())
            .select(keys);
  }

  /** An RSA or EC P-256 public key from a PEM file. */
  static JWK publicKey(Path pem) {
    String text;
    try {
      text = Files.readString(pem);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "jwt-public-key " + pem + " cannot be read: " + e.getMessage());
    }
    if (!text.contains("-----BEGIN PUBLIC KEY-----")) {
      throw new IllegalArgumentException(
          "jwt-public-key " + pem + " must be a PEM public key (BEGIN PUBLIC KEY)");
    }
    byte[] der = Base64.getMimeDecoder().decode(text.replaceAll("-----[A-Z ]+-----", ""));
    for (String algorithm : List.of("RSA", "EC")) {
      PublicKey key;
      try {
        key = KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        continue;
      }
      if (key instanceof RSAPublicKey rsa) {
        return new RSAKey.Builder(rsa).build();
      }
      if (key instanceof ECPublicKey ec) {
        Curve curve = Curve.forECParameterSpec(ec.getParams());
        if (!Curve.P_256.equals(curve)) {
          throw new IllegalArgumentException(
              "jwt-public-key " + pem + " is an EC key on " + curve + "; ES256 needs P-256");
        }
        return new ECKey.Builder(curve, ec).build();
      }
    }
    throw new IllegalArgumentException(
        "jwt-public-key " + pem + " is neither an RSA nor an EC public key");
  }
}
