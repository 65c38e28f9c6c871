-- Every change of a chat conversation raises its version, so a late or stale copy of its status
-- in the shared cache never replaces a newer one.
ALTER TABLE chat_conversations ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
