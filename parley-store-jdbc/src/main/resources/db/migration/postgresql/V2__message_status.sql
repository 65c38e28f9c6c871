-- A streamed answer that did not finish is stored with its status: stopped or interrupted.
ALTER TABLE messages ADD COLUMN status TEXT;
