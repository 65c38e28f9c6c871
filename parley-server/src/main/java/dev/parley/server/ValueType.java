package dev.parley.server;

import dev.parley.edge.admin.Durations;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The type of a setting: the Java type its text becomes, how (picocli's own converter, or one here
 * with a message that says what is accepted) and how a value is written back, as in {@code parley
 * config --print} and the configuration reference. Lists are comma-separated.
 *
 * <p>Immutable; the constants are shared.
 *
 * @param type the Java type of one value ({@code List.class} for a list)
 * @param element the Java type of a list's elements, or null
 * @param converter turns one value (a list: one element) into its Java type; null: picocli's own
 * @param formatter writes a value (a list: the whole list) as a flag would take it
 */
@SuppressWarnings("UnusedTypeParameter") // T types the Setting<T> that uses this value type
record ValueType<T>(
    Class<?> type,
    Class<?> element,
    ITypeConverter<?> converter,
    Function<Object, String> formatter) {
  static final ValueType<Integer> INT = new ValueType<>(Integer.class, null, null, String::valueOf);
  static final ValueType<Double> NUMBER =
      new ValueType<>(Double.class, null, null, ValueType::number);
  static final ValueType<Boolean> BOOLEAN =
      new ValueType<>(Boolean.class, null, null, String::valueOf);
  static final ValueType<String> STRING =
      new ValueType<>(String.class, null, null, String::valueOf);
  static final ValueType<Path> PATH = new ValueType<>(Path.class, null, null, String::valueOf);
  static final ValueType<URI> URL = new ValueType<>(URI.class, null, null, String::valueOf);
  static final ValueType<Duration> DURATION =
      new ValueType<>(Duration.class, null, ValueType::duration, v -> duration((Duration) v));
  static final ValueType<List<String>> STRINGS =
      new ValueType<>(List.class, String.class, null, ValueType::list);
  static final ValueType<List<Path>> PATHS =
      new ValueType<>(List.class, Path.class, null, ValueType::list);

  /** One of the constants of {@code type}, written as their keys. */
  static <E extends Enum<E> & Choice> ValueType<E> choice(Class<E> type, String setting) {
    return new ValueType<>(
        type,
        null,
        text -> {
          try {
            return Choice.parse(type, setting, text);
          } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
          }
        },
        v -> ((Choice) v).key());
  }

  /** Writes {@code value} as a flag would take it; null (unset) as null. */
  String format(Object value) {
    return value == null ? null : formatter.apply(value);
  }

  /** Whether a value is a list, given as {@code a,b,c} or by repeating the flag. */
  boolean isList() {
    return element != null;
  }

  /**
   * Durations as {@code 500ms}, {@code 30s}, {@code 2m}, {@code 12h} or ISO-8601 ({@code PT30S}).
   */
  static Duration duration(String s) {
    try {
      return Durations.parse(s);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }

  /**
   * {@code d} in the largest unit that writes it whole: {@code 12h}, {@code 5m}, {@code 30s},
   * {@code 20ms}.
   */
  static String duration(Duration d) {
    return Durations.format(d);
  }

  private static String number(Object v) {
    double d = (Double) v;
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }

  private static String list(Object v) {
    return ((List<?>) v).stream().map(String::valueOf).collect(Collectors.joining(","));
  }
}
