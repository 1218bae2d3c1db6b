-- A new speak-up key receives nothing until someone independent of the
-- person's organisation approves it (internal/sqlstore/speakup_approve.go):
-- otherwise an agency's own administrator could create a member of staff,
-- enrol them, and read every new report routed to the agency without
-- anyone outside it knowing. The same holds for a key set up again after a
-- password reset, and for a recipient made a custodian of reporters'
-- identities.
--
-- approval: NULL once the recipient's current key is approved (every
-- enrolment made before this migration was logged and stays approved);
-- 'pending' while it waits; 'refused' when an approver refused it.
ALTER TABLE speakup_recipients ADD COLUMN approval TEXT;

-- Each request for approval and its answer. kind is 'enrolment',
-- 'renewal' (a new key after a password reset) or 'custodian'; public_key
-- is the key asked about, so that an approval cannot pass to a later key.
-- status: pending, approved, refused, or withdrawn (a later key, or the
-- person no longer named a custodian). decided_by is the approver, or
-- 'system' when the deployment's configuration file approved it because
-- nobody yet could (via says which).
CREATE TABLE speakup_key_approvals (
    id           TEXT PRIMARY KEY,
    version      INTEGER NOT NULL,
    recipient_id TEXT NOT NULL REFERENCES speakup_recipients (id),
    user_id      TEXT NOT NULL REFERENCES users (id),
    agency_id    TEXT NOT NULL REFERENCES agencies (id),
    kind         TEXT NOT NULL,
    public_key   TEXT NOT NULL,
    custodian    INTEGER NOT NULL,
    requested_at INTEGER NOT NULL,
    status       TEXT NOT NULL,
    decided_by   TEXT,
    decided_at   INTEGER,
    via          TEXT
);
CREATE INDEX speakup_key_approvals_status ON speakup_key_approvals (status, requested_at);
CREATE INDEX speakup_key_approvals_recipient ON speakup_key_approvals (recipient_id);

-- People the configuration file names as recipients ("recipients"): their
-- first key is approved by the file when nobody can approve it yet.
CREATE TABLE speakup_named_recipients (
    id         TEXT PRIMARY KEY,
    version    INTEGER NOT NULL,
    user_id    TEXT NOT NULL UNIQUE REFERENCES users (id),
    active     INTEGER NOT NULL,
    changed_at INTEGER NOT NULL,
    changed_by TEXT NOT NULL
);
