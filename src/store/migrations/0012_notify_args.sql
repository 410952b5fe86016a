-- Notifications carry their arguments (a JSON object) beside their kind, so
-- that the reader renders each in its own language with local times; title
-- and body stay for older readers.
ALTER TABLE notifications ADD COLUMN args TEXT NOT NULL DEFAULT '{}';
