-- Away mail (MailStore): the email address a visitor left for a conversation, and the mail outbox.
-- Every mail is stored before it is sent, so a restart loses none; a node claims due ones with a
-- lease (lease_owner, lease_until) so in a cluster one node sends each. The admin API's mail log
-- reads it by site (without bodies); the hourly limits count rows by site, conversation and kind.
CREATE TABLE mail_contacts (
  conversation_id TEXT   PRIMARY KEY,
  site            TEXT   NOT NULL,
  email           TEXT   NOT NULL,
  updated_at      BIGINT NOT NULL
);
CREATE TABLE mail_outbox (
  seq           BIGSERIAL PRIMARY KEY,
  id            TEXT    NOT NULL UNIQUE,
  site          TEXT    NOT NULL,
  conversation  TEXT    NOT NULL,
  kind          TEXT    NOT NULL,
  recipient     TEXT    NOT NULL,
  subject       TEXT    NOT NULL,
  body          TEXT    NOT NULL,
  status        TEXT    NOT NULL,
  attempts      INTEGER NOT NULL DEFAULT 0,
  created_at    BIGINT  NOT NULL,
  due_at        BIGINT  NOT NULL,
  updated_at    BIGINT  NOT NULL,
  last_error    TEXT,
  lease_owner   TEXT,
  lease_until   BIGINT
);
CREATE INDEX mail_outbox_due ON mail_outbox (status, due_at);
CREATE INDEX mail_outbox_site ON mail_outbox (site, seq);
CREATE INDEX mail_outbox_recent ON mail_outbox (site, created_at);
CREATE INDEX mail_outbox_conversation ON mail_outbox (conversation, kind, status);
