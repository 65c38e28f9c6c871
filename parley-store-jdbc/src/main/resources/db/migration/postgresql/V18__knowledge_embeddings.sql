-- Embeddings of knowledge sections (KnowledgeStore#embeddings): a cache beside the documents, so a
-- node that rebuilds a site's index (another node, a restart, a re-index) reuses the vectors
-- computed once instead of asking the embeddings endpoint again. Keyed by site, embedding space
-- (the endpoint's base URL and model: vectors of two models never mix) and the sha-256 of the text
-- embedded (a section's title and body), so an unchanged section keeps its vector across uploads.
-- The vector is its floats as 4-byte little-endian IEEE 754 values. Rows no index uses any more
-- are pruned by the index build once they are an hour old.
CREATE TABLE knowledge_embeddings (
  site       TEXT   NOT NULL,
  space      TEXT   NOT NULL,
  hash       TEXT   NOT NULL,
  vector     BYTEA  NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (site, space, hash)
);
