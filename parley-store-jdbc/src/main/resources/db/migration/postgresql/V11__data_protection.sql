-- Data protection: erasing a visitor or deleting a conversation removes the conversation's event
-- webhook deliveries (their bodies may hold the visitor's words), found by conversation.
CREATE INDEX webhook_deliveries_by_conversation ON webhook_deliveries (conversation);
