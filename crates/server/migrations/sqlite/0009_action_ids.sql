-- An action id belongs to one participant: sync looks a new action's id up
-- among every participant's actions in its consultation, so that another
-- device sending a known id is refused instead of answered that action's
-- receipt.
CREATE INDEX actions_id ON actions (consultation, id);
