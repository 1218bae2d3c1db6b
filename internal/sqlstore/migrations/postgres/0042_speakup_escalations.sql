-- A missed speak-up deadline escalates as a casework deadline does (see
-- escalations), up speakup.Ladder: the report's recipients, a director of
-- a body that receives it, independent oversight. Every holder is drawn
-- from the agencies the report was routed to, which routing keeps apart
-- from the organisation the report is about.
CREATE TABLE speakup_escalations (
    id          TEXT PRIMARY KEY,
    version     BIGINT NOT NULL,
    report_id   TEXT NOT NULL REFERENCES speakup_reports (id),
    deadline_id TEXT NOT NULL REFERENCES speakup_deadlines (id),
    level       BIGINT NOT NULL,
    holder_id   TEXT REFERENCES users (id),
    holder_role TEXT NOT NULL,
    reason      TEXT NOT NULL,
    raised_at   BIGINT NOT NULL,
    respond_by  BIGINT,
    status      TEXT NOT NULL,
    decision    TEXT,
    resolved_by TEXT,
    resolved_at BIGINT
);
CREATE INDEX speakup_escalations_report ON speakup_escalations (report_id);
CREATE INDEX speakup_escalations_open ON speakup_escalations (status, respond_by);
