-- One row per conversation: its last seq. Writers lock the row to take the next seq, which
-- serialises seq assignment per conversation across every node.
CREATE TABLE conversations (
  id         TEXT   PRIMARY KEY,
  last_seq   BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);

-- Messages: (conversation, seq) is gapless per conversation.
CREATE TABLE messages (
  conversation TEXT   NOT NULL,
  seq          BIGINT NOT NULL,
  id           TEXT   NOT NULL,
  sender       TEXT   NOT NULL,
  cid          TEXT,
  kind         TEXT   NOT NULL,
  body         TEXT   NOT NULL,
  created_at   BIGINT NOT NULL,
  PRIMARY KEY (conversation, seq)
);

-- Exactly-once in the store: one message per (conversation, sender, cid).
CREATE UNIQUE INDEX messages_by_cid ON messages (conversation, sender, cid) WHERE cid IS NOT NULL;
CREATE UNIQUE INDEX messages_by_id ON messages (id);

-- Cumulative receipts.
CREATE TABLE receipts (
  conversation TEXT   NOT NULL,
  user_id      TEXT   NOT NULL,
  kind         TEXT   NOT NULL,
  seq          BIGINT NOT NULL,
  PRIMARY KEY (conversation, user_id, kind)
);
