-- The agents' visitor panel (VisitorContextStore): per chat conversation, what the visitor's widget
-- reported of the page and the browser (visitor-supplied, shown to agents only), and in
-- visitor_fields the claims of its site's identity JWT (source 'identity') and its pre-chat answers
-- (source 'prechat'), one row each, in order. Erasure and deletion delete both by conversation.
CREATE TABLE visitor_context (
  conversation_id    TEXT   PRIMARY KEY,
  site               TEXT   NOT NULL,
  visitor            TEXT   NOT NULL,
  url                TEXT,
  title              TEXT,
  referrer           TEXT,
  lang               TEXT,
  user_agent         TEXT,
  time_zone          TEXT,
  utc_offset_minutes INTEGER,
  updated_at         BIGINT NOT NULL
);
CREATE TABLE visitor_fields (
  conversation_id TEXT    NOT NULL,
  source          TEXT    NOT NULL,
  position        INTEGER NOT NULL,
  name            TEXT    NOT NULL,
  value           TEXT    NOT NULL,
  PRIMARY KEY (conversation_id, source, name)
);
