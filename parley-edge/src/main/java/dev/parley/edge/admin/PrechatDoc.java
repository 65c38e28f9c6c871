package dev.parley.edge.admin;

import java.util.List;

/**
 * A site's pre-chat form as the admin API and the sites file take it ({@code appearance.prechat};
 * checked by {@link AppearanceCheck}, kept as the chat layer's {@code PrechatForm}).
 *
 * @param enabled whether the widget asks for it before the first message (false when null)
 * @param fields its fields in the order shown
 */
public record PrechatDoc(Boolean enabled, List<Field> fields) {

  /**
   * One field of the form.
   *
   * @param key the answer's key, 1-32 of {@code a-z 0-9 _} starting with a letter
   * @param kind {@code name}, {@code email}, {@code phone} or {@code text}
   * @param label what the widget shows (null: its own word for the kind)
   * @param required whether the form needs it (false when null)
   */
  public record Field(String key, String kind, String label, Boolean required) {}
}
