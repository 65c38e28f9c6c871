package dev.parley.chat;

import java.util.Set;

/**
 * One of a site's event webhooks: where Parley posts the site's {@link IntegrationEvent}s, signed
 * with {@code secret} (docs/OPERATIONS.md#event-webhooks). Immutable; the secret is in the clear
 * here for signing, sealed at rest, and never shown by the admin API.
 *
 * @param id the webhook's id within its site (1-64 characters of A-Z a-z 0-9 _ . -)
 * @param url an http or https URL
 * @param secret the shared secret the signature's key derives from
 * @param events the events it subscribes to
 * @param enabled whether events are delivered to it now
 */
public record EventWebhook(
    String id, String url, String secret, Set<IntegrationEvent.Type> events, boolean enabled) {

  public EventWebhook {
    events = Set.copyOf(events);
  }

  /** Whether {@code type} is to be delivered here now. */
  public boolean wants(IntegrationEvent.Type type) {
    return enabled && events.contains(type);
  }

  @Override
  public String toString() {
    return "EventWebhook[" + id + ", " + url + "]"; // never prints the secret
  }
}
