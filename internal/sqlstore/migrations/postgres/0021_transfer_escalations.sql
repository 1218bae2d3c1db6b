-- An offer of a case left unanswered too long is escalated (kind
-- 'transfer_unanswered'); the escalation names its transfer, so that the
-- answer or withdrawal of the offer resolves it. Nullable, so existing rows
-- keep their commitments.
ALTER TABLE escalations ADD COLUMN transfer_id TEXT REFERENCES transfers (id);
CREATE INDEX escalations_transfer ON escalations (transfer_id);
