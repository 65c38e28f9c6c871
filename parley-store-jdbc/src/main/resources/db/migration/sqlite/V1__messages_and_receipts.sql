-- Messages: one row per stored message; (conversation, seq) is gapless per conversation.
CREATE TABLE messages (
  conversation TEXT    NOT NULL,
  seq          INTEGER NOT NULL,
  id           TEXT    NOT NULL,
  sender       TEXT    NOT NULL,
  cid          TEXT,
  kind         TEXT    NOT NULL,
  body         TEXT    NOT NULL,
  created_at   INTEGER NOT NULL,
  PRIMARY KEY (conversation, seq)
) WITHOUT ROWID;

-- Exactly-once in the store: one message per (conversation, sender, cid).
CREATE UNIQUE INDEX messages_by_cid ON messages (conversation, sender, cid) WHERE cid IS NOT NULL;
CREATE UNIQUE INDEX messages_by_id ON messages (id);

-- Cumulative receipts: the highest seq each participant has delivered / read.
CREATE TABLE receipts (
  conversation TEXT    NOT NULL,
  user_id      TEXT    NOT NULL,
  kind         TEXT    NOT NULL,
  seq          INTEGER NOT NULL,
  PRIMARY KEY (conversation, user_id, kind)
) WITHOUT ROWID;
