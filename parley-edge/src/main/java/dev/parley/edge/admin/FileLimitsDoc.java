package dev.parley.edge.admin;

import dev.parley.chat.FileLimits;
import java.util.List;

/**
 * A site's limits on uploads as operators write them ({@code files} in a {@link SiteDoc}); a field
 * left out takes its default ({@link FileLimits#DEFAULTS}).
 *
 * @param maxBytes the largest file in bytes: 1 to {@link FileLimits#MAX_BYTES} (16 MiB)
 * @param allowedTypes media types from {@link FileLimits#SUPPORTED_TYPES}, at least one
 * @param maxPerMessage how many files a message may carry: 1 to {@link #MAX_PER_MESSAGE}
 * @param maxPerConversation how many files a conversation may hold: 1 to {@link
 *     #MAX_PER_CONVERSATION}
 */
public record FileLimitsDoc(
    Long maxBytes, List<String> allowedTypes, Integer maxPerMessage, Integer maxPerConversation) {
  /** The most files a site may let one message carry. */
  public static final int MAX_PER_MESSAGE = 20;

  /** The most files a site may let one conversation hold. */
  public static final int MAX_PER_CONVERSATION = 10_000;

  /** {@code d} checked field by field (errors name {@code files.…}); null stays null. */
  static FileLimitsDoc checked(FileLimitsDoc d) {
    if (d == null) {
      return null;
    }
    if (d.maxBytes != null && (d.maxBytes < 1 || d.maxBytes > FileLimits.MAX_BYTES)) {
      throw new InvalidSetting(
          "files.maxBytes", "must be a number of bytes from 1 to " + FileLimits.MAX_BYTES);
    }
    if (d.allowedTypes != null) {
      if (d.allowedTypes.isEmpty()) {
        throw new InvalidSetting("files.allowedTypes", "must list at least one type");
      }
      for (int i = 0; i < d.allowedTypes.size(); i++) {
        String t = d.allowedTypes.get(i);
        if (!FileLimits.SUPPORTED_TYPES.contains(t)) {
          throw new InvalidSetting(
              "files.allowedTypes[" + i + "]",
              "\""
                  + t
                  + "\" is not a supported type (one of "
                  + String.join(", ", FileLimits.SUPPORTED_TYPES)
                  + ")");
        }
      }
    }
    if (d.maxPerMessage != null && (d.maxPerMessage < 1 || d.maxPerMessage > MAX_PER_MESSAGE)) {
      throw new InvalidSetting(
          "files.maxPerMessage", "must be a number from 1 to " + MAX_PER_MESSAGE);
    }
    if (d.maxPerConversation != null
        && (d.maxPerConversation < 1 || d.maxPerConversation > MAX_PER_CONVERSATION)) {
      throw new InvalidSetting(
          "files.maxPerConversation", "must be a number from 1 to " + MAX_PER_CONVERSATION);
    }
    return new FileLimitsDoc(
        d.maxBytes,
        d.allowedTypes == null ? null : List.copyOf(d.allowedTypes),
        d.maxPerMessage,
        d.maxPerConversation);
  }

  /** What the chat layer uses: the defaults where {@code d} (may be null) sets nothing. */
  static FileLimits toLimits(FileLimitsDoc d) {
    FileLimits def = FileLimits.DEFAULTS;
    if (d == null) {
      return def;
    }
    return new FileLimits(
        d.maxBytes != null ? d.maxBytes : def.maxBytes(),
        d.allowedTypes != null ? d.allowedTypes : def.allowedTypes(),
        d.maxPerMessage != null ? d.maxPerMessage : def.maxPerMessage(),
        d.maxPerConversation != null ? d.maxPerConversation : def.maxPerConversation());
  }

  /** The document of {@code l}; null for the defaults. */
  static FileLimitsDoc of(FileLimits l) {
    return l == null || l.equals(FileLimits.DEFAULTS)
        ? null
        : new FileLimitsDoc(
            l.maxBytes(), l.allowedTypes(), l.maxPerMessage(), l.maxPerConversation());
  }
}
