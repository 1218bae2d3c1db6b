-- Casework gaps found in review (issue 4).

-- The case owner's explanation of their own missed deadline: recorded on
-- the escalation, which stays open (vigil.OwnerExplains). Nullable, so
-- existing rows keep their commitments.
ALTER TABLE escalations ADD COLUMN explanation TEXT;
ALTER TABLE escalations ADD COLUMN explained_by TEXT;
ALTER TABLE escalations ADD COLUMN explained_at INTEGER;

-- A transfer offer may be withdrawn (status 'withdrawn', with who did it;
-- the reason is kept in answer). escalated_at marks an offer left
-- unanswered too long, escalated once by the sweeper.
ALTER TABLE transfers ADD COLUMN withdrawn_by TEXT;
ALTER TABLE transfers ADD COLUMN escalated_at INTEGER;
CREATE INDEX transfers_pending ON transfers (status, offered_at);
