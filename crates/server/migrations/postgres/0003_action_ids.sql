-- Action ids looked up across participants, as in the SQLite schema's
-- migration 0009 (see there).
CREATE INDEX actions_id ON actions (consultation, id);
