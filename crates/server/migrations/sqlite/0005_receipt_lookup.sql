-- Staff look an action up by the receipt a citizen shows them.
CREATE INDEX actions_receipt ON actions (receipt);
