-- What a message carries besides its text (a bot answer's sources; later, attachments), as one
-- JSON object (docs/PROTOCOL.md#message-meta). NULL for the many messages that carry nothing.
ALTER TABLE messages ADD COLUMN meta TEXT;
