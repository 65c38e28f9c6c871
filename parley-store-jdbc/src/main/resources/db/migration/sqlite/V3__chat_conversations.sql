-- Chat conversations: who a conversation belongs to and where it stands. Its messages are in
-- `messages` under the same id.
CREATE TABLE chat_conversations (
  id         TEXT   PRIMARY KEY,
  site       TEXT   NOT NULL,
  visitor    TEXT   NOT NULL,
  status     TEXT   NOT NULL,
  agent      TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

-- At most one open conversation per visitor and site, whichever node asks.
CREATE UNIQUE INDEX chat_conversations_open ON chat_conversations (site, visitor) WHERE status <> 'resolved';
CREATE INDEX chat_conversations_by_status ON chat_conversations (site, status, updated_at);
