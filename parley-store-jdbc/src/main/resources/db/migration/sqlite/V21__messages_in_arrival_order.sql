-- Messages in arrival order (docs/ARCHITECTURE.md#the-sqlite-schema): a rowid table whose rows are
-- appended at its end (`rid`), so a commit of many messages dirties one page of the table instead
-- of one page per conversation, beside two compact per-conversation indexes. The unique index on
-- the random message ids is gone: it only guarded 96 random bits against a collision and cost
-- every message a page at a random place. The search index is keyed by `rid` (no
-- `message_search_rows`) and kept by the store's writer in chunks after the messages' commits
-- (SqliteSearchIndexer), no longer by a trigger in each message's transaction; erasure and deletion
-- still leave it in their own transaction (the triggers below).

-- Freed pages (the old tables) are overwritten with zeros, as the store's writer does.
PRAGMA secure_delete = ON;

CREATE TABLE messages_v21 (
  rid          INTEGER PRIMARY KEY,
  conversation TEXT    NOT NULL,
  seq          INTEGER NOT NULL,
  id           TEXT    NOT NULL,
  sender       TEXT    NOT NULL,
  cid          TEXT,
  kind         TEXT    NOT NULL,
  body         TEXT    NOT NULL,
  created_at   INTEGER NOT NULL,
  status       TEXT,
  meta         TEXT
);
INSERT INTO messages_v21 (conversation, seq, id, sender, cid, kind, body, created_at, status, meta)
  SELECT conversation, seq, id, sender, cid, kind, body, created_at, status, meta FROM messages
  ORDER BY created_at, conversation, seq;

DROP TABLE message_search;
DROP TABLE message_search_rows;
DROP TABLE messages;
ALTER TABLE messages_v21 RENAME TO messages;

-- A conversation's messages by seq (replay, last seq), and exactly-once by cid.
CREATE UNIQUE INDEX messages_by_seq ON messages (conversation, seq);
CREATE UNIQUE INDEX messages_by_cid ON messages (conversation, sender, cid) WHERE cid IS NOT NULL;

-- The search index (words as in V15), its rowid being the message's `rid`.
CREATE VIRTUAL TABLE message_search USING fts5(
  body,
  content = '',
  contentless_delete = 1,
  tokenize = "unicode61 remove_diacritics 2 categories 'L* N* Co M*'"
);
INSERT INTO message_search (message_search, rank) VALUES ('secure-delete', 1);

-- How far the index has caught up: it holds exactly the text and bot messages of `chat_…` streams
-- (notes included) with `rid <= indexed_to`. Changed only in the transaction that indexes.
CREATE TABLE message_search_progress (
  indexed_to INTEGER NOT NULL
);
INSERT INTO message_search_progress (indexed_to) SELECT COALESCE(MAX(rid), 0) FROM messages;
INSERT INTO message_search (rowid, body)
  SELECT rid, body FROM messages
  WHERE kind IN ('text', 'bot') AND substr(conversation, 1, 5) = 'chat_';

-- A deleted message that was indexed leaves the index in the deletion's transaction.
CREATE TRIGGER message_search_delete AFTER DELETE ON messages
WHEN old.kind IN ('text', 'bot') AND substr(old.conversation, 1, 5) = 'chat_'
  AND old.rid <= (SELECT indexed_to FROM message_search_progress)
BEGIN
  DELETE FROM message_search WHERE rowid = old.rid;
END;

-- An erasure (kind `erased`, no text) of an indexed message takes it out in the same transaction;
-- a message not indexed yet is indexed later as it then is.
CREATE TRIGGER message_search_update AFTER UPDATE OF kind, body ON messages
WHEN substr(new.conversation, 1, 5) = 'chat_'
  AND old.rid <= (SELECT indexed_to FROM message_search_progress)
BEGIN
  DELETE FROM message_search WHERE rowid = (SELECT old.rid WHERE old.kind IN ('text', 'bot'));
  INSERT INTO message_search (rowid, body) SELECT new.rid, new.body WHERE new.kind IN ('text', 'bot');
END;
