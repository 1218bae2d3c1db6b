-- Mentions (issue 7, part 1): each person, vehicle, phone, online handle,
-- address or venue a concern names, with the fields its writer recorded,
-- exactly as recorded. Tracked by the log like every domain table. A
-- mention belongs to one concern and is never merged or corrected in place:
-- linking records its findings elsewhere, with the evidence.
--
-- ethnicity and nationality are for oversight statistics only; linking,
-- scoring, blocking and alerts must never read them (DESIGN.md section 7).
--
-- phone_key, postcode_key and outward_key are normal forms computed when
-- the mention is recorded (E.164; a UK postcode without spaces and its
-- district), for lookups such as "which concerns name this phone".
CREATE TABLE mentions (
    id           TEXT PRIMARY KEY,
    version      INTEGER NOT NULL,
    concern_id   TEXT NOT NULL REFERENCES concerns (id),
    case_id      TEXT NOT NULL REFERENCES cases (id),
    seq          INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    role         TEXT,
    given_name   TEXT,
    family_name  TEXT,
    full_name    TEXT,
    nickname     TEXT,
    dob          TEXT,
    age          INTEGER,
    gender       TEXT,
    ethnicity    TEXT,
    nationality  TEXT,
    email        TEXT,
    identifier   TEXT,
    address      TEXT,
    locality     TEXT,
    postcode     TEXT,
    phone        TEXT,
    plate        TEXT,
    make         TEXT,
    model        TEXT,
    colour       TEXT,
    taxi_firm    TEXT,
    platform     TEXT,
    handle       TEXT,
    venue_name   TEXT,
    venue_kind   TEXT,
    phone_key    TEXT,
    postcode_key TEXT,
    outward_key  TEXT,
    source_ref   TEXT,
    recorded_by  TEXT NOT NULL,
    recorded_at  INTEGER NOT NULL
);
-- seq orders a concern's mentions as they were given.
CREATE UNIQUE INDEX mentions_concern ON mentions (concern_id, seq);
CREATE INDEX mentions_case ON mentions (case_id);
CREATE INDEX mentions_phone ON mentions (phone_key) WHERE phone_key IS NOT NULL;
CREATE INDEX mentions_postcode ON mentions (postcode_key) WHERE postcode_key IS NOT NULL;

-- Per-case lookups of casework. Without statistics SQLite's planner reads
-- "case_id = ? AND status = 'open'" through the index on status alone, and
-- so scans every open deadline of the whole database for one case; with
-- years of imported history (issue 3) that turned each decision into a
-- scan. These indexes lead with the case (or deadline), so the planner
-- takes them whatever the statistics say.
CREATE INDEX deadlines_case_open ON deadlines (case_id, status, due_at);
CREATE INDEX concerns_case_raiser ON concerns (case_id, raised_by);
CREATE INDEX escalations_deadline ON escalations (deadline_id, status);
-- The first two make these redundant: each is a prefix of one above, and
-- every index costs every insert.
DROP INDEX deadlines_case;
DROP INDEX concerns_case;
