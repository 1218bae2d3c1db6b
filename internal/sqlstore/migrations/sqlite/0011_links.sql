-- Links (issue 7, part 4): two mentions that may name the same person,
-- vehicle, phone, handle, address or venue, with the evidence, and the
-- analyst's decision. Tracked by the log like every domain table: a link
-- proposed, confirmed or rejected is a log entry. Nothing is merged:
-- entities are computed from confirmed and likely links when shown.
--
-- score is the probability in millionths, for ordering the review queue;
-- evidence is JSON (vigil.LinkEvidence) with the exact figures.
CREATE TABLE links (
    id          TEXT PRIMARY KEY,
    version     INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    left_id     TEXT NOT NULL REFERENCES mentions (id),
    right_id    TEXT NOT NULL REFERENCES mentions (id),
    method      TEXT NOT NULL,
    score       INTEGER NOT NULL,
    evidence    TEXT NOT NULL,
    reason      TEXT,
    status      TEXT NOT NULL,
    decided_by  TEXT,
    decided_at  INTEGER,
    note        TEXT,
    created_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX links_pair ON links (left_id, right_id, method);
CREATE INDEX links_right ON links (right_id);
CREATE INDEX links_status ON links (status, score);
CREATE INDEX mentions_kind ON mentions (kind);
