-- Search over conversations (docs/ARCHITECTURE.md#search): a GIN index of the words of the text
-- and bot messages (the 'simple' configuration: lower case, no stemming, no stop words — the same
-- for every language). PostgreSQL keeps it in step with `messages` in each write's transaction; an
-- erased message (kind `erased`) leaves it. JdbcConversationSearch queries this exact expression.
-- On a large table, build it beforehand without blocking writes (docs/OPERATIONS.md#search):
--   CREATE INDEX CONCURRENTLY IF NOT EXISTS messages_search ON messages
--     USING GIN (to_tsvector('simple', body)) WHERE kind IN ('text', 'bot');
CREATE INDEX IF NOT EXISTS messages_search ON messages
  USING GIN (to_tsvector('simple', body)) WHERE kind IN ('text', 'bot');
