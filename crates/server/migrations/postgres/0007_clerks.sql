-- Clerks and the channel of each ballot, as in the SQLite schema's
-- migration 0013 (see there).
ALTER TABLE staff_tokens DROP CONSTRAINT staff_tokens_role_check;
ALTER TABLE staff_tokens ADD CONSTRAINT staff_tokens_role_check CHECK (role IN ('publisher', 'analyst', 'clerk'));

ALTER TABLE actions ADD COLUMN channel SMALLINT;
CREATE INDEX actions_paper ON actions (consultation, item) WHERE channel IS NOT NULL;
