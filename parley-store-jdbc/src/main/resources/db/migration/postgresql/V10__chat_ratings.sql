-- A visitor's rating of a resolved chat conversation: one per conversation (rating again replaces
-- it), counted per site and period for reports.
CREATE TABLE chat_ratings (
  conversation_id TEXT    PRIMARY KEY,
  site            TEXT    NOT NULL,
  good            BOOLEAN NOT NULL,
  comment         TEXT,
  rated_at        BIGINT  NOT NULL
);
CREATE INDEX chat_ratings_by_site ON chat_ratings (site, rated_at);
