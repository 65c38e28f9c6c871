package dev.parley.bots.knowledge;

/**
 * A document that cannot be ingested: too large, of a type Parley does not read, unreadable, or
 * with too many sections. Its message is the reason an admin sees on the document's status.
 */
public final class IngestException extends Exception {
  public IngestException(String reason) {
    super(reason);
  }

  public IngestException(String reason, Throwable cause) {
    super(reason, cause);
  }
}
