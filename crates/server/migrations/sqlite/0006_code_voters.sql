-- Ballots cast with a participation code used to stand under `code:` and the
-- code's hash; they now stand under a voter made from the code itself,
-- which only the code's next use can compute. The codes used before are
-- marked, so that their ballots move then, once.
ALTER TABLE participation_codes ADD COLUMN ballots_under_hash INTEGER NOT NULL DEFAULT 0;
UPDATE participation_codes SET ballots_under_hash = 1 WHERE participant IS NOT NULL;
-- A code's row keeps only the day of its first use: the exact time matched
-- the arrival of its first ballot.
UPDATE participation_codes SET used_at = substr(used_at, 1, 10) WHERE used_at IS NOT NULL;
