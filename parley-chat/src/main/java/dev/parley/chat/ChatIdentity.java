package dev.parley.chat;

import dev.parley.core.Principal;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What the chat layer reads from a core {@link Principal}'s claims: the user's {@link Role} and,
 * for a visitor, the site it talks to. The authenticators set the claims; the core only carries
 * them (and shows them to the client in {@code welcome}).
 *
 * <p>Stateless; any thread.
 */
public final class ChatIdentity {
  /** The claim naming the role: {@code visitor}, {@code agent} or {@code admin}. */
  public static final String ROLE = "role";

  /**
   * The claim naming the site a visitor talks to (bound by its token, or chosen in {@code hello}).
   */
  public static final String SITE = "site";

  /**
   * The claim naming a visitor's language (a tag such as {@code de-AT}, from {@code hello.lang}):
   * it picks the site's greeting.
   */
  public static final String LANG = "lang";

  /** The users {@code AnonymousTokens} makes up. */
  private static final Pattern ANONYMOUS_USER = Pattern.compile("v_[A-Za-z0-9_-]{16}");

  /**
   * What the claims of a visitor's identity JWT beyond its subject, role and site are carried
   * under: {@code profile.name}, {@code profile.email} … (the verifier keeps at most {@link
   * #MAX_PROFILE_CLAIMS} of them, each a string, number or boolean of at most {@link
   * #MAX_PROFILE_VALUE} characters).
   */
  public static final String PROFILE_PREFIX = "profile.";

  /** The most identity claims a visitor's principal carries. */
  public static final int MAX_PROFILE_CLAIMS = 20;

  /** The longest identity claim value carried, in characters. */
  public static final int MAX_PROFILE_VALUE = 256;

  private ChatIdentity() {}

  /**
   * The identity claims of {@code p} (from its site's JWT) without the {@link #PROFILE_PREFIX}, by
   * name; empty for an anonymous visitor.
   */
  public static Map<String, String> profile(Principal p) {
    Map<String, String> out = new TreeMap<>();
    p.claims()
        .forEach(
            (k, v) -> {
              if (k.startsWith(PROFILE_PREFIX)) {
                out.put(k.substring(PROFILE_PREFIX.length()), v);
              }
            });
    return out;
  }

  /** Who a user is to the chat product. */
  public enum Role {
    /** An end user of a site's widget. */
    VISITOR,
    /** A person who answers visitors of the sites they belong to. */
    AGENT,
    /** An agent who may also administer (the dashboard, the admin API). */
    ADMIN;

    /** The name on the wire and in tokens. */
    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The role named {@code s}, or null for a name that is not a role. */
    public static Role ofWire(String s) {
      if (s == null) {
        return null;
      }
      return switch (s) {
        case "visitor" -> VISITOR;
        case "agent" -> AGENT;
        case "admin" -> ADMIN;
        default -> null;
      };
    }

    /** Whether this role answers visitors (agents and admins). */
    public boolean isStaff() {
      return this != VISITOR;
    }
  }

  /** The claims of a principal with {@code role}, on {@code site} (null: none). */
  public static Map<String, String> claims(Role role, String site) {
    Map<String, String> c = new HashMap<>();
    c.put(ROLE, role.wire());
    if (site != null) {
      c.put(SITE, site);
    }
    return c;
  }

  /** {@code p}'s role; a principal without a known role claim is a visitor. */
  public static Role role(Principal p) {
    Role r = Role.ofWire(p.claim(ROLE));
    return r == null ? Role.VISITOR : r;
  }

  /** The site {@code p} talks to, or null. */
  public static String site(Principal p) {
    return p.claim(SITE);
  }

  /** The language {@code p} speaks (from its hello), or null. */
  public static String lang(Principal p) {
    return p.claim(LANG);
  }

  /** Whether {@code p} is an agent or an admin. */
  public static boolean isStaff(Principal p) {
    return role(p).isStaff();
  }

  /**
   * Whether {@code p} is an anonymous visitor: a visitor whose user the server made up ({@code v_}
   * and 16 characters, {@code AnonymousTokens}). A visitor a site's backend or the deployment's
   * identity provider signed in is not (its user is {@code site:subject} or the token's subject); a
   * token subject of that very shape counts as anonymous, the restrictive side.
   */
  public static boolean isAnonymous(Principal p) {
    return isVisitor(p) && ANONYMOUS_USER.matcher(p.user()).matches();
  }

  /** Whether {@code p} is a visitor. */
  public static boolean isVisitor(Principal p) {
    return role(p) == Role.VISITOR;
  }
}
