-- Uploaded files (FileRecords): one row per file, at most one per conversation, uploader and
-- idempotency key (a retried upload stores nothing twice, even when two tries race on two nodes).
-- The bytes are elsewhere: file_blobs below in a cluster (PostgresFileStore), or files under the
-- data directory (FilesystemFileStore). Erasure and the retention period delete rows by conversation.
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
-- The bytes of files and thumbnails on PostgreSQL, in chunks of 256 KiB, so a Range request reads
-- only the chunks it needs.
CREATE TABLE file_blobs (
  id     TEXT    NOT NULL,
  chunk  INTEGER NOT NULL,
  data   BYTEA   NOT NULL,
  PRIMARY KEY (id, chunk)
);
