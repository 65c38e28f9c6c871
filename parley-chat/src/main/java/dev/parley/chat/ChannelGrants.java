package dev.parley.chat;

import dev.parley.core.Principal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The channels a token grants its holder: which it may join ({@link #subscribe}) and send into
 * ({@link #publish}), as channel ids or prefixes ending in {@code *} ({@code dash:*}, {@code
 * notify:user-42}). A namespace whose {@code subscribe} or {@code publish} audience is {@link
 * Namespace.Audience#GRANTED} lets in exactly the holders of a grant that covers the channel; the
 * other audiences ignore grants, so a grant never widens a namespace beyond what its operator
 * chose.
 *
 * <p>A grant comes from the {@code channels} claim of a JWT the server verified (a site's identity
 * token or the deployment's), as {@code {"subscribe": [...], "publish": [...]}}; the authenticator
 * {@link #parse}s it and carries it in the principal's claims ({@link #claims}), where {@link #of}
 * finds it at every join and send. Every pattern names its namespace ({@code name:}, checked by
 * {@link Namespace#problem}) or, in {@code subscribe} only, a {@link ServerChannels server channel}
 * ({@code parley:stats}), so no grant reaches a conversation, its notes or the agents' topics, and
 * at most {@link #MAX_PATTERNS} patterns of at most {@link #MAX_PATTERN_LENGTH} characters are kept
 * per list: a token with more, or with a malformed one, is refused rather than half-read.
 *
 * <p>Immutable; any thread.
 */
public record ChannelGrants(List<String> subscribe, List<String> publish) {
  /** The principal claim carrying the subscribe patterns, separated by spaces. */
  public static final String SUBSCRIBE_CLAIM = "grants.subscribe";

  /** The principal claim carrying the publish patterns, separated by spaces. */
  public static final String PUBLISH_CLAIM = "grants.publish";

  /** The most patterns per list. */
  public static final int MAX_PATTERNS = 32;

  /** The longest pattern, in characters: a channel id's 64 and its {@code *}. */
  public static final int MAX_PATTERN_LENGTH = 65;

  /** A channel id ({@code Fields.CONVERSATION_ID}'s characters), perhaps ending in {@code *}. */
  private static final Pattern PATTERN = Pattern.compile("[A-Za-z0-9_.:-]{1,64}\\*?");

  /** No channels at all: what every principal without a grant has. */
  public static final ChannelGrants NONE = new ChannelGrants(List.of(), List.of());

  public ChannelGrants {
    subscribe = List.copyOf(subscribe);
    publish = List.copyOf(publish);
  }

  /**
   * The grant of a token's {@code channels} claim: null (no claim) is {@link #NONE}; anything but
   * an object of two optional lists of patterns is refused.
   *
   * @throws IllegalArgumentException naming the part of the claim that is wrong
   */
  public static ChannelGrants parse(Object claim) {
    if (claim == null) {
      return NONE;
    }
    if (!(claim instanceof Map<?, ?> m)) {
      throw new IllegalArgumentException(
          "channels must be an object {\"subscribe\": [...], \"publish\": [...]}");
    }
    for (Object k : m.keySet()) {
      if (!"subscribe".equals(k) && !"publish".equals(k)) {
        throw new IllegalArgumentException(
            "channels." + k + " is not known (subscribe and publish are)");
      }
    }
    return new ChannelGrants(
        patterns("channels.subscribe", m.get("subscribe")),
        patterns("channels.publish", m.get("publish")));
  }

  private static List<String> patterns(String field, Object value) {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?> list)) {
      throw new IllegalArgumentException(field + " must be a list of channels or patterns");
    }
    if (list.size() > MAX_PATTERNS) {
      throw new IllegalArgumentException(
          field + " has " + list.size() + " entries; at most " + MAX_PATTERNS);
    }
    List<String> out = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      String where = field + "[" + i + "]";
      if (!(list.get(i) instanceof String p) || !PATTERN.matcher(p).matches()) {
        throw new IllegalArgumentException(
            where + " must be a channel id (A-Z a-z 0-9 _ . : -, up to 64) or one ending in *");
      }
      String base = p.endsWith("*") ? p.substring(0, p.length() - 1) : p;
      if (ServerChannels.isServerChannel(base) && field.equals("channels.subscribe")) {
        // The server's own channels may be granted to join, never to send into, and by their
        // exact ids only: a pattern would also grant every server channel added later.
        if (p.endsWith("*")) {
          throw new IllegalArgumentException(
              where + " must name a server channel exactly (like parley:stats), not " + p);
        }
        out.add(p);
        continue;
      }
      if (Namespace.nameOf(base) == null) {
        throw new IllegalArgumentException(
            where + " must begin with a namespace's name and a colon (like dash:*), not " + p);
      }
      out.add(p);
    }
    return out;
  }

  /**
   * What a principal carries of this grant: both claims, always, empty for an empty list. So a
   * token of fewer or other grants differs in a claim, and {@code auth} with it is refused (the
   * core lets a fresh token through only when its claims are a subset of the session's): a session
   * never keeps grants its backend has since withdrawn.
   */
  public Map<String, String> claims() {
    Map<String, String> c = new HashMap<>();
    c.put(SUBSCRIBE_CLAIM, String.join(" ", subscribe));
    c.put(PUBLISH_CLAIM, String.join(" ", publish));
    return c;
  }

  /** The grant {@code p} carries; {@link #NONE} without one. */
  public static ChannelGrants of(Principal p) {
    String s = p.claim(SUBSCRIBE_CLAIM);
    String w = p.claim(PUBLISH_CLAIM);
    if (s == null && w == null) {
      return NONE;
    }
    return new ChannelGrants(split(s), split(w));
  }

  private static List<String> split(String claim) {
    return claim == null || claim.isEmpty() ? List.of() : List.of(claim.split(" "));
  }

  /** Whether it grants any of the server's own channels ({@code parley:…}). */
  public boolean namesServerChannel() {
    return subscribe.stream().anyMatch(ServerChannels::isServerChannel);
  }

  /** Whether this grant lets its holder join {@code channel}. */
  public boolean maySubscribe(String channel) {
    return covers(subscribe, channel);
  }

  /** Whether this grant lets its holder send into {@code channel}. */
  public boolean mayPublish(String channel) {
    return covers(publish, channel);
  }

  private static boolean covers(List<String> patterns, String channel) {
    for (String p : patterns) {
      if (p.endsWith("*")
          ? channel.startsWith(p.substring(0, p.length() - 1))
          : channel.equals(p)) {
        return true;
      }
    }
    return false;
  }
}
