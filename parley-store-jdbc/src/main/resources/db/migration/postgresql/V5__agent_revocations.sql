-- An agent's tokens issued before not_before (epoch ms) no longer count: a logout or a password
-- change revokes every token of that agent, on every node.
CREATE TABLE agent_revocations (
  user_id    TEXT   PRIMARY KEY,
  not_before BIGINT NOT NULL
);
