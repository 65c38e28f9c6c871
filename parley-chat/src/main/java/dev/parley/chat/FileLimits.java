package dev.parley.chat;

import java.util.List;

/**
 * A site's limits on uploads ({@code docs/OPERATIONS.md#uploads}). Immutable.
 *
 * @param maxBytes the largest file, in bytes (default 10 MiB; at most {@link #MAX_BYTES}, the
 *     transport's bound on an upload's body)
 * @param allowedTypes the media types a file may be, as detected from its bytes (default: {@link
 *     #SUPPORTED_TYPES})
 * @param maxPerMessage how many files one message may carry (default 10; read by messages with
 *     attachments)
 * @param maxPerConversation how many files one conversation may hold (default 100): past it an
 *     upload is refused {@code too_many_files}
 */
public record FileLimits(
    long maxBytes, List<String> allowedTypes, int maxPerMessage, int maxPerConversation) {
  /** The largest {@link #maxBytes} a site may set: the transport's bound on an upload (16 MiB). */
  public static final long MAX_BYTES = 16L * 1024 * 1024;

  /**
   * Every type an upload may be: images (re-encoded), PDF, plain text and audio. Audio containers
   * are named by their audio type: Ogg (Opus, Vorbis) {@code audio/ogg}, WebM {@code audio/webm},
   * MP4/M4A {@code audio/mp4}, MP3 {@code audio/mpeg}, WAV {@code audio/wav}. An audio file is a
   * voice note: its length is bounded by the site's {@link VoiceSettings#maxSeconds}.
   */
  public static final List<String> SUPPORTED_TYPES =
      List.of(
          "image/png",
          "image/jpeg",
          "image/gif",
          "image/webp",
          "application/pdf",
          "text/plain",
          "audio/ogg",
          "audio/webm",
          "audio/mp4",
          "audio/mpeg",
          "audio/wav");

  /** What a site that sets nothing gets. */
  public static final FileLimits DEFAULTS =
      new FileLimits(10L * 1024 * 1024, SUPPORTED_TYPES, 10, 100);

  /** With the default {@link #maxPerConversation}. */
  public FileLimits(long maxBytes, List<String> allowedTypes, int maxPerMessage) {
    this(maxBytes, allowedTypes, maxPerMessage, 100);
  }

  public FileLimits {
    allowedTypes = List.copyOf(allowedTypes);
  }

  /** Whether a file of detected type {@code type} may be uploaded. */
  public boolean allows(String type) {
    return allowedTypes.contains(type);
  }
}
