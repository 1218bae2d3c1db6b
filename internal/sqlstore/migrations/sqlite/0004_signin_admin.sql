-- Sign-in security, administration and intervention (issue 5, parts 4, 6, 7).

-- A session is at a stage: 'totp' or 'enrol' while it waits for the second
-- factor (it can do nothing else), 'full' once signed in. last_seen_at
-- gives the idle timeout; pending_secret holds the authenticator secret
-- being set up (encrypted, as in user_totp); failures counts wrong codes.
ALTER TABLE sessions ADD COLUMN stage TEXT NOT NULL DEFAULT 'full';
ALTER TABLE sessions ADD COLUMN via TEXT NOT NULL DEFAULT 'password';
ALTER TABLE sessions ADD COLUMN last_seen_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN pending_secret BLOB;
ALTER TABLE sessions ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;

-- Second-factor secrets (RFC 6238), encrypted with AES-256-GCM under a key
-- derived from the log's signing key, the user id as additional data: a
-- copy of the database alone reveals none, and a row cannot be moved to
-- another person. last_step is the time step of the last code accepted; a
-- code is accepted only for a later step, so no code works twice. Not
-- tracked row by row (it is a secret): enrolments and resets are logged as
-- events.
CREATE TABLE user_totp (
    user_id     TEXT PRIMARY KEY REFERENCES users (id),
    secret      BLOB NOT NULL,
    last_step   INTEGER NOT NULL,
    enrolled_at INTEGER NOT NULL
);

-- Who revoked a token, and why. Nullable, so existing rows keep their
-- commitments.
ALTER TABLE api_tokens ADD COLUMN revoked_by TEXT;
ALTER TABLE api_tokens ADD COLUMN revoke_reason TEXT;
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- An intervening authority's taking over of an agency's administration.
-- At most one is in force per agency.
CREATE TABLE interventions (
    id         TEXT PRIMARY KEY,
    version    INTEGER NOT NULL,
    agency_id  TEXT NOT NULL REFERENCES agencies (id),
    reason     TEXT NOT NULL,
    started_by TEXT NOT NULL REFERENCES users (id),
    started_at INTEGER NOT NULL,
    ended_by   TEXT REFERENCES users (id),
    ended_at   INTEGER,
    end_reason TEXT
);
CREATE UNIQUE INDEX interventions_in_force ON interventions (agency_id) WHERE ended_at IS NULL;

-- Every administrative change to a person, made at once ('done') or asked
-- for under an intervention ('pending', then 'approved', 'refused' or
-- 'lapsed'). details is JSON of the change's parameters; password_hash is
-- the argon2id hash of a one-time password made when it was asked for,
-- cleared once the request is decided. requested_by and decided_by are
-- actor ids, which may be the system's rather than a person's.
CREATE TABLE admin_actions (
    id              TEXT PRIMARY KEY,
    version         INTEGER NOT NULL,
    agency_id       TEXT NOT NULL REFERENCES agencies (id),
    intervention_id TEXT REFERENCES interventions (id),
    action          TEXT NOT NULL,
    user_id         TEXT REFERENCES users (id),
    details         TEXT NOT NULL,
    password_hash   TEXT,
    reason          TEXT NOT NULL,
    status          TEXT NOT NULL,
    requested_by    TEXT NOT NULL,
    requested_at    INTEGER NOT NULL,
    decided_by      TEXT,
    decided_at      INTEGER,
    decision        TEXT
);
CREATE INDEX admin_actions_agency ON admin_actions (agency_id, requested_at);
