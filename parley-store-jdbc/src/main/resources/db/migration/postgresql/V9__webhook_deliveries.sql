-- Event webhooks' deliveries (DeliveryStore): every delivery stored before it is sent, so a restart
-- loses no pending one; a node claims due ones with a lease (lease_owner, lease_until) so in a
-- cluster one node sends each; seq orders a conversation's deliveries (only the oldest pending one
-- of a site, webhook and conversation is sent). The admin API's delivery log reads it by site.
CREATE TABLE webhook_deliveries (
  seq           BIGSERIAL PRIMARY KEY,
  id            TEXT    NOT NULL UNIQUE,
  site          TEXT    NOT NULL,
  webhook       TEXT    NOT NULL,
  conversation  TEXT    NOT NULL,
  event         TEXT    NOT NULL,
  body          TEXT    NOT NULL,
  status        TEXT    NOT NULL,
  attempts      INTEGER NOT NULL DEFAULT 0,
  created_at    BIGINT  NOT NULL,
  due_at        BIGINT  NOT NULL,
  updated_at    BIGINT  NOT NULL,
  last_error    TEXT,
  response_code INTEGER,
  lease_owner   TEXT,
  lease_until   BIGINT
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, due_at);
CREATE INDEX webhook_deliveries_unit ON webhook_deliveries (site, webhook, conversation, status, seq);
CREATE INDEX webhook_deliveries_site ON webhook_deliveries (site, seq);
