-- When a publisher anonymised the consultation, as in the SQLite schema's
-- migration 0010 (see there).
ALTER TABLE consultations ADD COLUMN anonymised_at BIGINT;
