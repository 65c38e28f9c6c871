package dev.parley.bots.knowledge;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A site's {@code robots.txt} as far as Parley's fetcher needs it: the rules of the group for
 * {@value #AGENT} or, without one, for {@code *}; the longest matching {@code Allow} or {@code
 * Disallow} prefix decides (an {@code Allow} wins a tie), and a path no rule matches is allowed.
 * Immutable and thread-safe.
 */
final class Robots {
  /** The user agent Parley fetches as. */
  static final String AGENT = "ParleyBot";

  private record Rule(boolean allow, String prefix) {}

  private final List<Rule> rules;

  private Robots(List<Rule> rules) {
    this.rules = rules;
  }

  /** Everything allowed (no robots.txt). */
  static Robots none() {
    return new Robots(List.of());
  }

  static Robots parse(String text) {
    List<Rule> mine = null;
    List<Rule> any = null;
    List<Rule> current = null;
    boolean inAgents = false;
    for (String raw : text.split("\\R")) {
      String line = raw.replaceFirst("#.*$", "").strip();
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String key = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).strip();
      if (key.equals("user-agent")) {
        if (!inAgents) {
          current = new ArrayList<>();
        }
        inAgents = true;
        if (value.equalsIgnoreCase(AGENT) && mine == null) {
          mine = current;
        } else if (value.equals("*") && any == null) {
          any = current;
        }
      } else if ((key.equals("allow") || key.equals("disallow")) && current != null) {
        inAgents = false;
        if (!value.isEmpty()) {
          current.add(new Rule(key.equals("allow"), value));
        }
      } else {
        inAgents = false;
      }
    }
    List<Rule> chosen = mine != null ? mine : any;
    return new Robots(chosen == null ? List.of() : List.copyOf(chosen));
  }

  /** Whether {@code path} (with its query) may be fetched. */
  boolean allows(String path) {
    Rule best = null;
    for (Rule r : rules) {
      if (path.startsWith(r.prefix())
          && (best == null
              || r.prefix().length() > best.prefix().length()
              || (r.prefix().length() == best.prefix().length() && r.allow()))) {
        best = r;
      }
    }
    return best == null || best.allow();
  }
}
