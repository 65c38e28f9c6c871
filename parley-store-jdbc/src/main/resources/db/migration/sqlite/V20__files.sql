-- Uploaded files (FileRecords): one row per file, at most one per conversation, uploader and
-- idempotency key (a retried upload stores nothing twice). The bytes are files under the data
-- directory (FilesystemFileStore). Erasure and the retention period delete rows by conversation.
CREATE TABLE files (
  id            TEXT    PRIMARY KEY,
  site          TEXT    NOT NULL,
  conversation  TEXT    NOT NULL,
  uploader      TEXT    NOT NULL,
  idem_key      TEXT    NOT NULL,
  name          TEXT    NOT NULL,
  type          TEXT    NOT NULL,
  size          BIGINT  NOT NULL,
  sha256        TEXT    NOT NULL,
  width         INTEGER,
  height        INTEGER,
  thumbnail_id  TEXT,
  created_at    BIGINT  NOT NULL,
  UNIQUE (conversation, uploader, idem_key)
);
