-- Search over conversations (docs/ARCHITECTURE.md#search): an FTS5 index of the text and bot
-- messages of chat conversations and of their notes (`chat_…:notes`), kept in step with
-- `messages` by triggers, inside the transaction of each write. `messages` has no rowid (WITHOUT
-- ROWID), so `message_search_rows` gives each indexed message the integer the FTS5 row needs, and
-- names the chat conversation it belongs to (a note's too).
CREATE TABLE message_search_rows (
  id           INTEGER PRIMARY KEY,
  conversation TEXT    NOT NULL,
  seq          INTEGER NOT NULL,
  chat         TEXT    NOT NULL
);
CREATE UNIQUE INDEX message_search_rows_by_message ON message_search_rows (conversation, seq);

-- Contentless (the words are in `messages` already), with deletes: a tombstone or a deleted
-- conversation leaves the index at once. Words are runs of letters, digits and marks
-- (SearchQuery.terms), compared without case or accents.
CREATE VIRTUAL TABLE message_search USING fts5(
  body,
  content = '',
  contentless_delete = 1,
  tokenize = "unicode61 remove_diacritics 2 categories 'L* N* Co M*'"
);
-- A delete removes the message's words from the index's pages, not only marks them deleted, so an
-- erased visitor's words do not linger in the file (with PRAGMA secure_delete, freed pages are
-- zeroed).
INSERT INTO message_search (message_search, rank) VALUES ('secure-delete', 1);

CREATE TRIGGER message_search_insert AFTER INSERT ON messages
WHEN new.kind IN ('text', 'bot') AND substr(new.conversation, 1, 5) = 'chat_'
BEGIN
  INSERT INTO message_search_rows (conversation, seq, chat) VALUES (
    new.conversation, new.seq,
    CASE WHEN substr(new.conversation, -6) = ':notes'
      THEN substr(new.conversation, 1, length(new.conversation) - 6) ELSE new.conversation END);
  INSERT INTO message_search (rowid, body) VALUES (last_insert_rowid(), new.body);
END;

CREATE TRIGGER message_search_delete AFTER DELETE ON messages
WHEN old.kind IN ('text', 'bot') AND substr(old.conversation, 1, 5) = 'chat_'
BEGIN
  DELETE FROM message_search WHERE rowid =
    (SELECT id FROM message_search_rows WHERE conversation = old.conversation AND seq = old.seq);
  DELETE FROM message_search_rows WHERE conversation = old.conversation AND seq = old.seq;
END;

-- An erasure turns a message into a tombstone (kind `erased`, no text): out of the index.
CREATE TRIGGER message_search_update AFTER UPDATE OF kind, body ON messages
WHEN substr(new.conversation, 1, 5) = 'chat_'
BEGIN
  DELETE FROM message_search WHERE rowid =
    (SELECT id FROM message_search_rows WHERE conversation = old.conversation AND seq = old.seq);
  DELETE FROM message_search_rows WHERE conversation = old.conversation AND seq = old.seq;
  INSERT INTO message_search_rows (conversation, seq, chat)
    SELECT new.conversation, new.seq,
      CASE WHEN substr(new.conversation, -6) = ':notes'
        THEN substr(new.conversation, 1, length(new.conversation) - 6) ELSE new.conversation END
    WHERE new.kind IN ('text', 'bot');
  INSERT INTO message_search (rowid, body)
    SELECT id, new.body FROM message_search_rows
    WHERE new.kind IN ('text', 'bot') AND conversation = new.conversation AND seq = new.seq;
END;

-- The messages stored before this migration.
INSERT INTO message_search_rows (conversation, seq, chat)
  SELECT conversation, seq,
    CASE WHEN substr(conversation, -6) = ':notes'
      THEN substr(conversation, 1, length(conversation) - 6) ELSE conversation END
  FROM messages WHERE kind IN ('text', 'bot') AND substr(conversation, 1, 5) = 'chat_';
INSERT INTO message_search (rowid, body)
  SELECT r.id, m.body FROM message_search_rows r
  JOIN messages m ON m.conversation = r.conversation AND m.seq = r.seq;
