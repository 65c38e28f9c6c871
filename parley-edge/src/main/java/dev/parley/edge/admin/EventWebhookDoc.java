package dev.parley.edge.admin;

import dev.parley.chat.EventWebhook;
import dev.parley.chat.IntegrationEvent;
import java.net.URI;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One of a site's event webhooks as operators write it (the {@code eventWebhooks} of a {@link
 * SiteDoc}): its id, URL, secret (write-only, sealed at rest), the events it subscribes to and
 * whether it is enabled. {@link #checkedAll} validates a site's list, naming the field of the first
 * problem.
 *
 * <p>Immutable.
 */
public record EventWebhookDoc(
    String id, String url, String secret, List<String> events, Boolean enabled) {

  /** A site has this many event webhooks at most. */
  public static final int MAX_PER_SITE = 10;

  /** A secret is at least this long. */
  public static final int MIN_SECRET = 16;

  /**
   * {@code hooks} with their defaults filled in ({@code enabled} true), after checking each.
   *
   * @throws InvalidSetting naming the first field that is wrong, like {@code
   *     eventWebhooks[1].events[0]}
   */
  static List<EventWebhookDoc> checkedAll(List<EventWebhookDoc> hooks) {
    if (hooks == null) {
      return null;
    }
    if (hooks.size() > MAX_PER_SITE) {
      throw new InvalidSetting("eventWebhooks", "lists at most " + MAX_PER_SITE + " webhooks");
    }
    Set<String> ids = new HashSet<>();
    List<EventWebhookDoc> out = new ArrayList<>();
    for (int i = 0; i < hooks.size(); i++) {
      String f = "eventWebhooks[" + i + "]";
      EventWebhookDoc h = hooks.get(i);
      if (h == null) {
        throw new InvalidSetting(f, "must be an object");
      }
      if (h.id() == null || !SiteDoc.ID.matcher(h.id()).matches()) {
        throw new InvalidSetting(f + ".id", "must be 1-64 characters of A-Z a-z 0-9 _ . -");
      }
      if (!ids.add(h.id())) {
        throw new InvalidSetting(f + ".id", "\"" + h.id() + "\" is used twice");
      }
      if (h.url() == null) {
        throw new InvalidSetting(f + ".url", "is required");
      }
      checkUrl(f + ".url", h.url());
      if (h.secret() != null && (h.secret().length() < MIN_SECRET || h.secret().length() > 1000)) {
        throw new InvalidSetting(
            f + ".secret", "must be " + MIN_SECRET + " to 1000 characters (or absent to keep it)");
      }
      if (h.events() == null || h.events().isEmpty()) {
        throw new InvalidSetting(f + ".events", "must list at least one event");
      }
      Set<IntegrationEvent.Type> seen = EnumSet.noneOf(IntegrationEvent.Type.class);
      for (int k = 0; k < h.events().size(); k++) {
        try {
          if (!seen.add(IntegrationEvent.Type.ofWire(h.events().get(k)))) {
            throw new InvalidSetting(f + ".events[" + k + "]", "is listed twice");
          }
        } catch (IllegalArgumentException e) {
          if (e instanceof InvalidSetting bad) {
            throw bad;
          }
          throw new InvalidSetting(f + ".events[" + k + "]", e.getMessage());
        }
      }
      out.add(
          new EventWebhookDoc(
              h.id(),
              h.url(),
              h.secret(),
              List.copyOf(h.events()),
              h.enabled() == null || h.enabled()));
    }
    return List.copyOf(out);
  }

  private static void checkUrl(String field, String v) {
    try {
      URI u = URI.create(v);
      if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
        throw new IllegalArgumentException();
      }
    } catch (IllegalArgumentException e) {
      throw new InvalidSetting(field, "must be an http or https URL");
    }
    if (v.length() > 2000 || v.chars().anyMatch(c -> c < 0x21)) {
      throw new InvalidSetting(field, "must be at most 2000 characters without spaces");
    }
  }

  /** The webhooks as the admin API shows them: each secret replaced by {@code secretSet}. */
  static List<Map<String, Object>> views(List<EventWebhookDoc> hooks) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (EventWebhookDoc h : hooks) {
      Map<String, Object> v = new LinkedHashMap<>();
      v.put("id", h.id());
      v.put("url", h.url());
      v.put("events", h.events());
      v.put("enabled", h.enabled() == null || h.enabled());
      v.put("secretSet", h.secret() != null);
      out.add(v);
    }
    return out;
  }

  /** This webhook with another secret (null: none). */
  EventWebhookDoc withSecret(String s) {
    return new EventWebhookDoc(id, url, s, events, enabled);
  }

  /** What the chat layer uses; null (never sent unsigned) when it has no secret. */
  EventWebhook toEventWebhook() {
    if (secret == null || secret.isEmpty()) {
      return null;
    }
    Set<IntegrationEvent.Type> types = EnumSet.noneOf(IntegrationEvent.Type.class);
    events.forEach(e -> types.add(IntegrationEvent.Type.ofWire(e)));
    return new EventWebhook(id, url, secret, types, !Boolean.FALSE.equals(enabled));
  }

  /** The document of {@code h}. */
  static EventWebhookDoc of(EventWebhook h) {
    return new EventWebhookDoc(
        h.id(),
        h.url(),
        h.secret(),
        h.events().stream().map(IntegrationEvent.Type::wire).sorted().toList(),
        h.enabled());
  }

  @Override
  public String toString() {
    return "EventWebhookDoc[" + id + "]"; // never prints the secret
  }
}
