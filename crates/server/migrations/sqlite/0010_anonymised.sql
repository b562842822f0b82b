-- When a publisher anonymised the consultation: its actions, comments and
-- reactions no longer stand under the phones or codes that sent them, and
-- its participation codes are gone (storage/anonymise.rs). NULL while they
-- are kept.
ALTER TABLE consultations ADD COLUMN anonymised_at INTEGER;
