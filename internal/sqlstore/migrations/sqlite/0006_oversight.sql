-- Oversight (issue 8): demographic records for statistics, statistics
-- releases frozen in the log, and action plans whose deadlines escalate.
-- Every table is tracked by the log; then the indexes the dashboards count by.

-- The ethnicity (2021 Census group) and nationality (ISO 3166-1 alpha-2)
-- of a case's child, or of one suspect. No names: these are for aggregate
-- statistics only, never for scoring or linking.
CREATE TABLE demographic_records (
    id          TEXT PRIMARY KEY,
    version     INTEGER NOT NULL,
    case_id     TEXT NOT NULL REFERENCES cases (id),
    subject     TEXT NOT NULL,
    ethnicity   TEXT NOT NULL,
    nationality TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at INTEGER NOT NULL
);
CREATE INDEX demographic_records_case ON demographic_records (case_id, subject);
CREATE UNIQUE INDEX demographic_records_child ON demographic_records (case_id) WHERE subject = 'child';

-- A release's figures are the canonical JSON that its log entry commits
-- to. Rows are only ever inserted: a correction is a new release.
CREATE TABLE statistics_releases (
    id           TEXT PRIMARY KEY,
    version      INTEGER NOT NULL,
    number       INTEGER NOT NULL UNIQUE,
    kind         TEXT NOT NULL,
    title        TEXT NOT NULL,
    period       TEXT NOT NULL,
    published_at INTEGER NOT NULL,
    published_by TEXT NOT NULL,
    replaces     TEXT REFERENCES statistics_releases (id),
    note         TEXT,
    figures      TEXT NOT NULL
);
CREATE INDEX statistics_releases_period ON statistics_releases (period, number);

CREATE TABLE action_plans (
    id          TEXT PRIMARY KEY,
    version     INTEGER NOT NULL,
    title       TEXT NOT NULL,
    report      TEXT NOT NULL,
    report_date TEXT NOT NULL,
    public      INTEGER NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);

CREATE TABLE recommendations (
    id       TEXT PRIMARY KEY,
    version  INTEGER NOT NULL,
    plan_id  TEXT NOT NULL REFERENCES action_plans (id),
    seq      INTEGER NOT NULL,
    number   TEXT NOT NULL,
    text     TEXT NOT NULL,
    added_by TEXT NOT NULL,
    added_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX recommendations_plan ON recommendations (plan_id, seq);

-- escalated_due is the deadline for which an escalation was raised, as in
-- deadlines: the sweep raises one escalation per missed deadline.
CREATE TABLE plan_actions (
    id                TEXT PRIMARY KEY,
    version           INTEGER NOT NULL,
    plan_id           TEXT NOT NULL REFERENCES action_plans (id),
    recommendation_id TEXT NOT NULL REFERENCES recommendations (id),
    title             TEXT NOT NULL,
    owner_id          TEXT NOT NULL REFERENCES users (id),
    due_at            INTEGER NOT NULL,
    evidence_needed   TEXT NOT NULL,
    status            TEXT NOT NULL,
    progress          TEXT,
    evidence          TEXT,
    done_at           INTEGER,
    done_by           TEXT,
    signed_off_at     INTEGER,
    signed_off_by     TEXT,
    signoff_decision  TEXT,
    escalated_due     INTEGER,
    created_by        TEXT NOT NULL,
    created_at        INTEGER NOT NULL
);
CREATE INDEX plan_actions_recommendation ON plan_actions (recommendation_id, created_at);
CREATE INDEX plan_actions_due ON plan_actions (status, due_at);

CREATE TABLE action_escalations (
    id          TEXT PRIMARY KEY,
    version     INTEGER NOT NULL,
    action_id   TEXT NOT NULL REFERENCES plan_actions (id),
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
CREATE INDEX action_escalations_action ON action_escalations (action_id);
CREATE INDEX action_escalations_open ON action_escalations (status, respond_by);

-- An action's history, as case_events is a case's.
CREATE TABLE action_updates (
    id        TEXT PRIMARY KEY,
    version   INTEGER NOT NULL,
    action_id TEXT NOT NULL REFERENCES plan_actions (id),
    seq       INTEGER NOT NULL,
    at        INTEGER NOT NULL,
    actor_id  TEXT NOT NULL,
    kind      TEXT NOT NULL,
    summary   TEXT NOT NULL
);
CREATE UNIQUE INDEX action_updates_action ON action_updates (action_id, seq);

-- What the dashboards count by: each figure is a range of one time
-- column. The indexes hold every column the dashboards read, so that a
-- count over a million rows reads only the index (an index-only scan)
-- rather than the wide rows beside it.
CREATE INDEX concerns_received ON concerns (received_at, source, agency_id, recorded_at, case_id);
CREATE INDEX cases_received ON cases (received_at, agency_id, team_id);
-- A unit joins its case for the case's agency, team and owner.
CREATE INDEX cases_oversight ON cases (id, agency_id, team_id, owner_id, received_at);
-- Repeat referrals: the same child, as recorded, within 12 months.
CREATE INDEX cases_child ON cases (lower(child_name), child_dob, received_at);
CREATE INDEX deadlines_started ON deadlines (started_at, kind, status, due_at, met_at, case_id);
CREATE INDEX deadlines_due_at ON deadlines (due_at, status, met_at, case_id);
CREATE INDEX escalations_raised ON escalations (raised_at, level, status, kind, case_id);
CREATE INDEX missing_episodes_from ON missing_episodes (missing_from, returned_at, case_id);
CREATE INDEX screenings_at ON screenings (at, level, case_id);
CREATE INDEX decisions_kind ON decisions (kind, outcome, at, case_id);
-- Whether a child was looked after at a time: their case's decisions of a kind.
CREATE INDEX decisions_case_kind ON decisions (case_id, kind, at);
