-- What the speak-up register keeps of a report after its retention ended
-- and it was erased: that it existed, its channel, when it was received
-- and closed, the agencies it was routed to, when it was erased and by
-- which rule, and the ids of its attachments (so that the log's record of
-- who opened them can still be found). Never anything it said. With the
-- log's entries about the report, whose kinds, times and actors outlive
-- it, this lets oversight see a report that was ignored and then left to
-- expire.
CREATE TABLE speakup_tombstones (
    id          TEXT PRIMARY KEY, -- the report's id, so that the log's entries about the report and its tombstone share it
    version     BIGINT NOT NULL,
    channel     TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    closed_at   BIGINT,
    routed_to   TEXT NOT NULL,
    attachments TEXT NOT NULL,
    erased_at   BIGINT NOT NULL,
    rule        TEXT NOT NULL
);
CREATE INDEX speakup_tombstones_received ON speakup_tombstones (received_at);
