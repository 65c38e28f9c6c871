-- Appends a batch of messages in one call: the writer of each node sends one statement per batch
-- instead of one per message (each a round trip it waited for). Element i of every array is one
-- message; each is appended in array order exactly as PostgresMessageStore's single APPEND does it:
-- the stored message with the same (conversation, sender, cid) is answered if there is one (one
-- earlier in the same batch included: every statement here sees the ones before it); else the
-- conversation's row is locked and moved to its next seq, and the message inserted at that seq. One
-- row comes back per element, r_ord = i: r_inserted false for a duplicate, whose stored fields
-- follow. A unique violation (another node committed the same cid after this statement's snapshot)
-- fails the whole call; the writer then retries the batch message by message.
CREATE FUNCTION parley_append_batch(
  p_conv TEXT[], p_sender TEXT[], p_cid TEXT[], p_id TEXT[], p_kind TEXT[], p_body TEXT[],
  p_created BIGINT[], p_status TEXT[], p_meta TEXT[])
RETURNS TABLE (r_ord INT, r_inserted BOOLEAN, r_seq BIGINT, r_id TEXT, r_kind TEXT, r_body TEXT,
               r_created BIGINT, r_status TEXT, r_meta TEXT)
LANGUAGE plpgsql AS $$
BEGIN
  FOR i IN 1 .. coalesce(array_length(p_conv, 1), 0) LOOP
    RETURN QUERY
      WITH dup AS (SELECT m.seq, m.id, m.kind, m.body, m.created_at, m.status, m.meta
                     FROM messages m
                    WHERE m.conversation = p_conv[i] AND m.sender = p_sender[i]
                      AND m.cid = p_cid[i]),
           bump AS (INSERT INTO conversations AS c (id, last_seq, created_at)
                    VALUES (p_conv[i], 1, p_created[i])
                    ON CONFLICT (id) DO UPDATE SET last_seq = c.last_seq + 1
                    WHERE NOT EXISTS (SELECT 1 FROM dup) RETURNING c.last_seq),
           ins AS (INSERT INTO messages
                     (conversation, seq, id, sender, cid, kind, body, created_at, status, meta)
                   SELECT p_conv[i], bump.last_seq, p_id[i], p_sender[i], p_cid[i], p_kind[i],
                          p_body[i], p_created[i], p_status[i], p_meta[i]
                     FROM bump RETURNING messages.seq)
      SELECT i, TRUE, ins.seq, NULL::TEXT, NULL::TEXT, NULL::TEXT, NULL::BIGINT, NULL::TEXT,
             NULL::TEXT
        FROM ins
      UNION ALL
      SELECT i, FALSE, dup.seq, dup.id, dup.kind, dup.body, dup.created_at, dup.status, dup.meta
        FROM dup;
  END LOOP;
END;
$$;

-- The unique index on the random message ids goes, as it went on SQLite (V21): nothing looks a
-- message up by its id alone, and it only guarded 96 random bits against a collision while every
-- message paid an index insert at a random place.
DROP INDEX messages_by_id;
