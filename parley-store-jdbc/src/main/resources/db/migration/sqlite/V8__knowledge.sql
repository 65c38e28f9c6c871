-- Each site's knowledge documents (KnowledgeStore): what an admin uploaded or fetched, its
-- ingestion status, and the sections its text was cut into (the search index on every node is
-- built from these). One document per content hash per site. knowledge_versions counts each
-- site's changes, so a node learns which of its indexes are behind.
CREATE TABLE knowledge_documents (
  site       TEXT   NOT NULL,
  id         TEXT   NOT NULL,
  title      TEXT   NOT NULL,
  source     TEXT   NOT NULL,
  media_type TEXT   NOT NULL,
  size       BIGINT NOT NULL,
  sha256     TEXT   NOT NULL,
  status     TEXT   NOT NULL,
  reason     TEXT,
  language   TEXT,
  updated_at BIGINT NOT NULL,
  seq        BIGINT NOT NULL,
  PRIMARY KEY (site, id),
  UNIQUE (site, sha256)
);

CREATE TABLE knowledge_sections (
  site   TEXT    NOT NULL,
  doc    TEXT    NOT NULL,
  n      INTEGER NOT NULL,
  title  TEXT    NOT NULL,
  body   TEXT    NOT NULL,
  PRIMARY KEY (site, doc, n)
);

CREATE TABLE knowledge_versions (
  site    TEXT   PRIMARY KEY,
  version BIGINT NOT NULL
);
