package dev.parley.chat;

import java.util.Optional;
import java.util.concurrent.ExecutionException;

/**
 * Reads the files that messages carry, for a bot that hands them to its model (the LLM bot's image
 * inputs): a file's record, and its stored bytes (as the server keeps them: an image re-encoded,
 * its metadata gone) or its thumbnail's. {@link #over} reads through the node's {@link FileRecords}
 * and {@link FileStore}; {@link #NONE} reads nothing (a deployment or test without files).
 *
 * <p>Implementations are thread-safe and <b>block</b>: a bot calls them on its answer's own virtual
 * thread ({@link Bot#answer}), never on an event loop. An interrupt ends a wait with {@link
 * InterruptedException}; a failure of the medium throws an unchecked exception.
 */
public interface AttachmentReader {
  /** Reads nothing: every file is unknown. */
  AttachmentReader NONE =
      new AttachmentReader() {
        @Override
        public Optional<StoredFile> find(String id) {
          return Optional.empty();
        }

        @Override
        public Optional<byte[]> read(String id, int maxBytes) {
          return Optional.empty();
        }
      };

  /** The record of file {@code id}; empty when there is none (never stored, or erased). */
  Optional<StoredFile> find(String id) throws InterruptedException;

  /**
   * The stored bytes {@code id} (a file's, or a thumbnail's: {@link StoredFile#thumbnailId}) when
   * there are at most {@code maxBytes} of them; empty when there are more, or none.
   */
  Optional<byte[]> read(String id, int maxBytes) throws InterruptedException;

  /** A reader over a node's records and bytes. */
  static AttachmentReader over(FileStore bytes, FileRecords records) {
    return new AttachmentReader() {
      @Override
      public Optional<StoredFile> find(String id) throws InterruptedException {
        try {
          return records.find(id).get();
        } catch (ExecutionException e) {
          throw new IllegalStateException("reading the record of file " + id, e.getCause());
        }
      }

      @Override
      public Optional<byte[]> read(String id, int maxBytes) {
        // One byte past the bound tells a file of exactly maxBytes from a longer one.
        return bytes
            .read(id, 0, Math.max(maxBytes, maxBytes + 1))
            .filter(b -> b.length <= maxBytes);
      }
    };
  }
}
