-- Every change of a chat conversation raises its version, so a late or stale copy of its status
-- in the shared cache never replaces a newer one.
ALTER TABLE chat_conversations ADD COLUMN version BIGINT NOT NULL DEFAULT 1;

-- A visitor's latest conversation on a site (the id of the next one to be opened derives from it).
CREATE INDEX chat_conversations_by_visitor ON chat_conversations (site, visitor, created_at);
