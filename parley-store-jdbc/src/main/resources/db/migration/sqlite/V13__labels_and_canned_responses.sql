-- Agents' labels on a chat conversation: sorted, distinct, space-separated (each of a-z 0-9 -, at
-- most 10), kept with the conversation; '' for none. Filter with
-- ' ' || labels || ' ' LIKE '% vip %'.
ALTER TABLE chat_conversations ADD COLUMN labels TEXT NOT NULL DEFAULT '';

-- Canned responses of a site, shared by its agents: typed as /shortcut in the console's composer.
CREATE TABLE canned_responses (
  site       TEXT   NOT NULL,
  shortcut   TEXT   NOT NULL,
  text       TEXT   NOT NULL,
  updated_by TEXT   NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (site, shortcut)
);
