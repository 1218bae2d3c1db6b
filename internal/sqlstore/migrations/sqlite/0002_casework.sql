-- Casework: decisions, statutory deadlines, escalations, transfers,
-- missing episodes, CSE screenings, referrals between agencies and
-- information-sharing decisions. Every table is tracked by the log.
CREATE TABLE decisions (
    id          TEXT PRIMARY KEY,
    version     INTEGER NOT NULL,
    case_id     TEXT NOT NULL REFERENCES cases (id),
    kind        TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    reason      TEXT NOT NULL,
    late_reason TEXT,
    at          INTEGER NOT NULL,
    decided_by  TEXT NOT NULL,
    from_stage  TEXT NOT NULL,
    to_stage    TEXT NOT NULL,
    recorded_at INTEGER NOT NULL
);
CREATE INDEX decisions_case ON decisions (case_id, at);

-- A deadline is one instance of a clock rule. escalated_due is the due time
-- for which an escalation was raised, so that the sweeper raises exactly one
-- escalation per missed due time, however often it runs.
CREATE TABLE deadlines (
    id            TEXT PRIMARY KEY,
    version       INTEGER NOT NULL,
    case_id       TEXT NOT NULL REFERENCES cases (id),
    kind          TEXT NOT NULL,
    instance      INTEGER NOT NULL,
    ref_id        TEXT,
    started_at    INTEGER NOT NULL,
    due_at        INTEGER NOT NULL,
    status        TEXT NOT NULL,
    met_at        INTEGER,
    late_reason   TEXT,
    cancel_reason TEXT,
    escalated_due INTEGER
);
CREATE INDEX deadlines_case ON deadlines (case_id, status);
CREATE INDEX deadlines_due ON deadlines (status, due_at);

CREATE TABLE escalations (
    id          TEXT PRIMARY KEY,
    version     INTEGER NOT NULL,
    case_id     TEXT NOT NULL REFERENCES cases (id),
    deadline_id TEXT REFERENCES deadlines (id),
    kind        TEXT NOT NULL,
    level       INTEGER NOT NULL,
    holder_id   TEXT REFERENCES users (id),
    holder_role TEXT NOT NULL,
    reason      TEXT NOT NULL,
    raised_at   INTEGER NOT NULL,
    respond_by  INTEGER,
    status      TEXT NOT NULL,
    decision    TEXT,
    resolved_by TEXT,
    resolved_at INTEGER
);
CREATE INDEX escalations_case ON escalations (case_id);
CREATE INDEX escalations_open ON escalations (status, respond_by);
CREATE INDEX escalations_holder ON escalations (holder_id, status);

CREATE TABLE transfers (
    id          TEXT PRIMARY KEY,
    version     INTEGER NOT NULL,
    case_id     TEXT NOT NULL REFERENCES cases (id),
    from_id     TEXT NOT NULL REFERENCES users (id),
    to_id       TEXT NOT NULL REFERENCES users (id),
    reason      TEXT NOT NULL,
    status      TEXT NOT NULL,
    offered_at  INTEGER NOT NULL,
    answered_at INTEGER,
    answer      TEXT
);
CREATE INDEX transfers_case ON transfers (case_id);
CREATE INDEX transfers_to ON transfers (to_id, status);

CREATE TABLE missing_episodes (
    id           TEXT PRIMARY KEY,
    version      INTEGER NOT NULL,
    case_id      TEXT NOT NULL REFERENCES cases (id),
    missing_from INTEGER NOT NULL,
    returned_at  INTEGER,
    details      TEXT NOT NULL,
    recorded_by  TEXT NOT NULL
);
CREATE INDEX missing_episodes_case ON missing_episodes (case_id, missing_from);

CREATE TABLE screenings (
    id      TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases (id),
    scores  TEXT NOT NULL,
    level   TEXT NOT NULL,
    notes   TEXT NOT NULL,
    by_id   TEXT NOT NULL,
    at      INTEGER NOT NULL
);
CREATE INDEX screenings_case ON screenings (case_id, at);

CREATE TABLE agency_referrals (
    id              TEXT PRIMARY KEY,
    version         INTEGER NOT NULL,
    case_id         TEXT NOT NULL REFERENCES cases (id),
    from_agency     TEXT NOT NULL REFERENCES agencies (id),
    to_agency       TEXT NOT NULL REFERENCES agencies (id),
    reason          TEXT NOT NULL,
    sent_by         TEXT NOT NULL,
    sent_at         INTEGER NOT NULL,
    acknowledged_by TEXT,
    acknowledged_at INTEGER
);
CREATE INDEX agency_referrals_case ON agency_referrals (case_id);
CREATE INDEX agency_referrals_to ON agency_referrals (to_agency, acknowledged_at);

CREATE TABLE share_decisions (
    id          TEXT PRIMARY KEY,
    version     INTEGER NOT NULL,
    case_id     TEXT NOT NULL REFERENCES cases (id),
    with_agency TEXT NOT NULL REFERENCES agencies (id),
    share       INTEGER NOT NULL,
    reason      TEXT NOT NULL,
    by_id       TEXT NOT NULL,
    at          INTEGER NOT NULL
);
CREATE INDEX share_decisions_case ON share_decisions (case_id);
