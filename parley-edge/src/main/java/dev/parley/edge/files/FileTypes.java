package dev.parley.edge.files;

import java.nio.charset.StandardCharsets;
import org.apache.tika.Tika;

/**
 * The media type of an upload, from its bytes alone (Apache Tika core's magic numbers), never from
 * its name or its {@code Content-Type}. Tika's answers are mapped onto the names of {@code
 * FileLimits.SUPPORTED_TYPES}: the Ogg family ({@code audio/opus}, {@code audio/vorbis}, {@code
 * application/ogg}) is {@code audio/ogg}; a Matroska file whose EBML document type is {@code webm}
 * is {@code audio/webm} when its tracks are audio only ({@link WebmTracks}: what MediaRecorder
 * makes for a voice note), else {@code video/webm}, which no site allows; an ISO media file ({@code
 * ftyp} box: MP4, M4A, QuickTime) is {@code audio/mp4}; RIFF WAVE ({@code audio/vnd.wave}, {@code
 * audio/x-wav}) is {@code audio/wav}. Anything else keeps Tika's name (HTML, SVG, ZIP…), which no
 * site allows.
 *
 * <p>Stateless and thread-safe.
 */
final class FileTypes {
  private static final Tika TIKA = new Tika();

  private FileTypes() {}

  /** The type of {@code bytes}; {@code application/octet-stream} when nothing matches. */
  static String detect(byte[] bytes) {
    String t = TIKA.detect(bytes);
    return switch (t) {
      case "audio/opus", "audio/vorbis", "audio/ogg", "application/ogg", "audio/x-oggflac" ->
          "audio/ogg";
      case "application/x-matroska", "video/webm", "audio/webm", "video/x-matroska" ->
          !isWebm(bytes) ? t : WebmTracks.audioOnly(bytes) ? "audio/webm" : "video/webm";
      case "audio/vnd.wave", "audio/x-wav", "audio/wav", "audio/wave" -> "audio/wav";
      case "audio/mp4", "video/mp4", "video/quicktime", "audio/x-m4a" ->
          isIsoMedia(bytes) ? "audio/mp4" : t;
      default -> t;
    };
  }

  /** An EBML header whose DocType element ({@code 0x4282}) says {@code webm}. */
  private static boolean isWebm(byte[] b) {
    int end = Math.min(b.length, 64);
    for (int i = 4; i + 6 < end; i++) {
      if ((b[i] & 0xff) == 0x42 && (b[i + 1] & 0xff) == 0x82) {
        return new String(b, i + 3, 4, StandardCharsets.ISO_8859_1).equals("webm");
      }
    }
    return false;
  }

  /** An ISO base media file: its first box is {@code ftyp}. */
  private static boolean isIsoMedia(byte[] b) {
    return b.length >= 12 && new String(b, 4, 4, StandardCharsets.ISO_8859_1).equals("ftyp");
  }
}
