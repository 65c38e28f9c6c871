package dev.parley.edge.files;

/**
 * Whether a WebM file is audio only, as MediaRecorder makes a voice note: its {@code Tracks}
 * element (before the first {@code Cluster}, within the first {@link #SCAN} bytes) lists at least
 * one audio track ({@code TrackType} 2) and no video track ({@code TrackType} 1). Reads EBML
 * element headers only (IDs and sizes, an unknown size for a live {@code Segment} included);
 * decodes nothing. Anything it cannot read is not audio only.
 *
 * <p>Stateless and thread-safe.
 */
final class WebmTracks {
  /** How far into the file the tracks are looked for. */
  static final int SCAN = 64 * 1024;

  private static final long EBML = 0x1A45DFA3L;
  private static final long SEGMENT = 0x18538067L;
  private static final long TRACKS = 0x1654AE6BL;
  private static final long CLUSTER = 0x1F43B675L;
  private static final long TRACK_ENTRY = 0xAEL;
  private static final long TRACK_TYPE = 0x83L;

  private WebmTracks() {}

  /** Whether {@code b} (a WebM file) has audio tracks and no video track. */
  static boolean audioOnly(byte[] b) {
    int end = Math.min(b.length, SCAN);
    int at = 0;
    while (at < end) {
      long[] id = vint(b, at, end, true);
      if (id == null) {
        return false;
      }
      long[] size = vint(b, at + (int) id[1], end, false);
      if (size == null) {
        return false;
      }
      int body = at + (int) id[1] + (int) size[1];
      if (id[0] == SEGMENT) {
        at = body; // descend: its children follow (its size may be unknown)
      } else if (id[0] == TRACKS) {
        return tracks(b, body, (int) Math.min(end, body + size[0]));
      } else if (id[0] == CLUSTER || size[0] < 0) {
        return false; // media before any tracks, or an unknown size we cannot skip
      } else {
        if (id[0] != EBML && at == 0) {
          return false;
        }
        long next = body + size[0];
        if (next > end) {
          return false;
        }
        at = (int) next;
      }
    }
    return false;
  }

  /** The track entries between {@code from} and {@code to}: audio seen, and no video. */
  private static boolean tracks(byte[] b, int from, int to) {
    boolean audio = false;
    int at = from;
    while (at < to) {
      long[] id = vint(b, at, to, true);
      long[] size = id == null ? null : vint(b, at + (int) id[1], to, false);
      if (size == null || size[0] < 0) {
        return false;
      }
      int body = at + (int) id[1] + (int) size[1];
      if (id[0] == TRACK_ENTRY) {
        int type = trackType(b, body, (int) Math.min(to, body + size[0]));
        if (type == 1) {
          return false;
        }
        audio |= type == 2;
      }
      at = (int) Math.min(Integer.MAX_VALUE, body + size[0]);
    }
    return audio;
  }

  /** The {@code TrackType} in a track entry's body, or -1. */
  private static int trackType(byte[] b, int from, int to) {
    int at = from;
    while (at < to) {
      long[] id = vint(b, at, to, true);
      long[] size = id == null ? null : vint(b, at + (int) id[1], to, false);
      if (size == null || size[0] < 0) {
        return -1;
      }
      int body = at + (int) id[1] + (int) size[1];
      if (id[0] == TRACK_TYPE && size[0] == 1 && body < to) {
        return b[body] & 0xff;
      }
      at = (int) Math.min(Integer.MAX_VALUE, body + size[0]);
    }
    return -1;
  }

  /**
   * An EBML variable-length integer at {@code at}: {value, length}; an ID keeps its marker bit, a
   * size loses it (all ones: unknown, -1). Null past {@code end} or for a first byte of zero.
   */
  private static long[] vint(byte[] b, int at, int end, boolean id) {
    if (at >= end) {
      return null;
    }
    int first = b[at] & 0xff;
    int len = Integer.numberOfLeadingZeros(first) - 23;
    if (first == 0 || len > 8 || at + len > end) {
      return null;
    }
    long v = id ? first : first & (0xff >> len);
    boolean allOnes = v == (0xff >> len);
    for (int i = 1; i < len; i++) {
      int x = b[at + i] & 0xff;
      allOnes &= x == 0xff;
      v = (v << 8) | x;
    }
    return new long[] {!id && allOnes ? -1 : v, len};
  }
}
