-- Domain tables of the first slice. Every tracked table has a text id and a
-- version column, and every change to it is written with a log entry in the
-- same transaction (see internal/ledger). Times are Unix microseconds, UTC.
-- Optional text is NULL rather than '' so that its absence is explicit.
CREATE TABLE agencies (
    id         TEXT PRIMARY KEY,
    version    INTEGER NOT NULL,
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE teams (
    id              TEXT PRIMARY KEY,
    version         INTEGER NOT NULL,
    agency_id       TEXT NOT NULL REFERENCES agencies (id),
    name            TEXT NOT NULL,
    intake          INTEGER NOT NULL,
    duty_manager_id TEXT,
    created_at      INTEGER NOT NULL
);

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    version       INTEGER NOT NULL,
    username      TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL,
    agency_id     TEXT NOT NULL REFERENCES agencies (id),
    team_id       TEXT REFERENCES teams (id),
    manager_id    TEXT REFERENCES users (id),
    status        TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at    INTEGER NOT NULL
);

CREATE TABLE api_tokens (
    id         TEXT PRIMARY KEY,
    version    INTEGER NOT NULL,
    user_id    TEXT NOT NULL REFERENCES users (id),
    token_hash BLOB NOT NULL UNIQUE,
    label      TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);

-- Sessions are not tracked by the log row by row (sign-ins and sign-outs
-- are logged as events): they are short-lived secrets, stored as hashes.
CREATE TABLE sessions (
    token_hash BLOB PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE cases (
    id            TEXT PRIMARY KEY,
    version       INTEGER NOT NULL,
    ref           TEXT NOT NULL UNIQUE,
    status        TEXT NOT NULL,
    stage         TEXT NOT NULL,
    stage_before  TEXT,
    looked_after  INTEGER NOT NULL,
    received_at   INTEGER NOT NULL,
    child_name    TEXT NOT NULL,
    child_dob     TEXT,
    child_age     INTEGER,
    child_address TEXT,
    agency_id     TEXT NOT NULL REFERENCES agencies (id),
    team_id       TEXT NOT NULL REFERENCES teams (id),
    owner_id      TEXT NOT NULL REFERENCES users (id),
    opened_at     INTEGER NOT NULL
);
CREATE INDEX cases_owner ON cases (owner_id, status);
CREATE INDEX cases_team ON cases (team_id, status);

CREATE TABLE concerns (
    id                    TEXT PRIMARY KEY,
    version               INTEGER NOT NULL,
    ref                   TEXT NOT NULL UNIQUE,
    source                TEXT NOT NULL,
    raised_by             TEXT REFERENCES users (id),
    agency_id             TEXT REFERENCES agencies (id),
    received_at           INTEGER NOT NULL,
    recorded_at           INTEGER NOT NULL,
    child_name            TEXT,
    child_dob             TEXT,
    child_age             INTEGER,
    child_address         TEXT,
    what_happened         TEXT NOT NULL,
    others_involved       TEXT,
    reporter_name         TEXT,
    reporter_contact      TEXT,
    reporter_relationship TEXT,
    case_id               TEXT NOT NULL REFERENCES cases (id)
);
CREATE INDEX concerns_case ON concerns (case_id);
CREATE INDEX concerns_raised_by ON concerns (raised_by);

CREATE TABLE case_events (
    id       TEXT PRIMARY KEY,
    version  INTEGER NOT NULL,
    case_id  TEXT NOT NULL REFERENCES cases (id),
    seq      INTEGER NOT NULL,
    at       INTEGER NOT NULL,
    actor_id TEXT NOT NULL,
    kind     TEXT NOT NULL,
    summary  TEXT NOT NULL
);
-- seq orders a case's chronology: events written in one transaction share a time.
CREATE UNIQUE INDEX case_events_case ON case_events (case_id, seq);
