package dev.parley.chat;

/**
 * An uploaded file's record: what {@link FileRecords} keeps about the bytes {@link FileStore}
 * holds. Immutable. A message that carries attachments refers to files by {@link #id}.
 *
 * @param id the server's id ({@code f_} and 22 base64url characters); also the id of its bytes in
 *     the {@link FileStore}
 * @param site the site of its conversation
 * @param conversation the conversation it was uploaded to; only its participants may read it
 * @param uploader the user who uploaded it
 * @param key the uploader's idempotency key: one file per conversation, uploader and key
 * @param name the name the uploader gave, cleaned (no path, no control characters)
 * @param type the media type detected from the bytes as stored (an image re-encoded as PNG is
 *     {@code image/png})
 * @param size the stored bytes' length
 * @param sha256 the hex SHA-256 of the bytes as uploaded (what a retry with the same key must
 *     match)
 * @param width an image's width in pixels, or null for anything else
 * @param height an image's height in pixels, or null
 * @param thumbnailId the id of an image's thumbnail in the {@link FileStore}, or null
 * @param createdAtMillis when it was stored
 * @param duration an audio file's length in seconds when the server could read it (a WAV's header),
 *     else null
 * @param transcript an audio file's transcript ({@link Transcriber}), or null: none yet, none asked
 *     for, or it failed
 * @param transcriptError why the transcription failed ({@link Transcriber.Failed#code}), or null
 */
public record StoredFile(
    String id,
    String site,
    String conversation,
    String uploader,
    String key,
    String name,
    String type,
    long size,
    String sha256,
    Integer width,
    Integer height,
    String thumbnailId,
    long createdAtMillis,
    Double duration,
    String transcript,
    String transcriptError) {

  /** A file without duration or transcript (anything but audio, or audio not yet transcribed). */
  public StoredFile(
      String id,
      String site,
      String conversation,
      String uploader,
      String key,
      String name,
      String type,
      long size,
      String sha256,
      Integer width,
      Integer height,
      String thumbnailId,
      long createdAtMillis) {
    this(
        id,
        site,
        conversation,
        uploader,
        key,
        name,
        type,
        size,
        sha256,
        width,
        height,
        thumbnailId,
        createdAtMillis,
        null,
        null,
        null);
  }

  /** This file with the outcome of its transcription: a transcript, or an error code. */
  public StoredFile transcribed(String text, String error) {
    return new StoredFile(
        id,
        site,
        conversation,
        uploader,
        key,
        name,
        type,
        size,
        sha256,
        width,
        height,
        thumbnailId,
        createdAtMillis,
        duration,
        text,
        error);
  }

  /** Whether it is audio (a voice note: played, maybe transcribed). */
  public boolean isAudio() {
    return type.startsWith("audio/");
  }

  /** Whether it is an image (re-encoded, with dimensions and a thumbnail). */
  public boolean isImage() {
    return type.startsWith("image/");
  }

  /** The media type of its thumbnail: JPEG for a JPEG, PNG otherwise; null without one. */
  public String thumbnailType() {
    return thumbnailId == null ? null : type.equals("image/jpeg") ? "image/jpeg" : "image/png";
  }
}
