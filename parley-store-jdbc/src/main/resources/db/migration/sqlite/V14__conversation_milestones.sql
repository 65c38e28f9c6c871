-- Milestones for reports: when a conversation first left the bot (for the queue or an agent) and
-- when it was resolved (cleared when it is reopened). Rows from before this migration get an
-- estimate: the first message an agent wrote (else the last change) and the last change.
ALTER TABLE chat_conversations ADD COLUMN handed_off_at BIGINT;
ALTER TABLE chat_conversations ADD COLUMN resolved_at BIGINT;
UPDATE chat_conversations SET resolved_at = updated_at WHERE status = 'resolved';
UPDATE chat_conversations SET handed_off_at = COALESCE(
    (SELECT MIN(m.created_at) FROM messages m
      WHERE m.conversation = chat_conversations.id AND m.kind = 'text'
        AND m.sender <> chat_conversations.visitor AND m.sender NOT IN ('bot', 'system')),
    updated_at)
  WHERE status IN ('queued', 'assigned') OR agent IS NOT NULL;
-- A site's conversations by the time they were opened: what a report reads.
CREATE INDEX chat_conversations_by_opening ON chat_conversations (site, created_at);
