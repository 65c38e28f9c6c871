package dev.parley.server;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A value of a setting that names one of a few choices (a backend, a format): its key as written in
 * flags, the environment and config files. Implemented by the enums of those settings.
 *
 * <p>Immutable.
 */
interface Choice {
  /** The choice as written in flags, the environment and config files, e.g. {@code sqlite}. */
  String key();

  /**
   * The constant of {@code type} whose key is {@code text} (case and surrounding blanks ignored).
   *
   * @throws IllegalArgumentException naming the setting and listing the choices, e.g. {@code store
   *     must be sqlite or postgres, was 'mongo'}
   */
  static <E extends Enum<E> & Choice> E parse(Class<E> type, String setting, String text) {
    String v = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    for (E e : type.getEnumConstants()) {
      if (e.key().equals(v)) {
        return e;
      }
    }
    throw new IllegalArgumentException(setting + " must be " + keys(type) + ", was '" + text + "'");
  }

  /** The keys of {@code type}'s constants as prose: {@code kb, llm or webhook}. */
  static <E extends Enum<E> & Choice> String keys(Class<E> type) {
    List<String> keys = Arrays.stream(type.getEnumConstants()).map(Choice::key).toList();
    return keys.size() == 1
        ? keys.get(0)
        : String.join(", ", keys.subList(0, keys.size() - 1)) + " or " + keys.get(keys.size() - 1);
  }
}
