-- The deployment's configuration, changed live through the admin API (ConfigStore): sites and
-- agents as JSON documents (secrets sealed with the secrets key), one deployment-wide version that
-- every change raises (a node behind it reloads), and the audit log of every change.
CREATE TABLE config_entries (
  kind       TEXT   NOT NULL,
  id         TEXT   NOT NULL,
  version    BIGINT NOT NULL,
  body       TEXT   NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (kind, id)
);

CREATE TABLE config_version (
  singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
  version   BIGINT  NOT NULL
);
INSERT INTO config_version (singleton, version) VALUES (1, 0);

CREATE TABLE config_audit (
  id     INTEGER PRIMARY KEY AUTOINCREMENT,
  at     BIGINT NOT NULL,
  actor  TEXT   NOT NULL,
  action TEXT   NOT NULL,
  kind   TEXT   NOT NULL,
  entity TEXT   NOT NULL,
  detail TEXT   NOT NULL
);
CREATE INDEX config_audit_at ON config_audit (at);
