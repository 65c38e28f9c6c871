-- Voice notes: an audio file's length when the server could read it (seconds), its transcript and,
-- when the transcription failed, why (FileRecords.transcribed). All null for other files.
ALTER TABLE files ADD COLUMN duration DOUBLE PRECISION;
ALTER TABLE files ADD COLUMN transcript TEXT;
ALTER TABLE files ADD COLUMN transcript_error TEXT;
