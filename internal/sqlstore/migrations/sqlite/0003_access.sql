-- Conflicts of interest: a person declares, or an administrator records,
-- a conflict with a named person, an address or a case. Access to any case
-- that matches is refused (vigil.Can), and the refusal is logged.
-- self_declared is 0 when an administrator recorded a conflict the person
-- had not declared: investigators look at what that person read before.
CREATE TABLE conflicts (
    id            TEXT PRIMARY KEY,
    version       INTEGER NOT NULL,
    user_id       TEXT NOT NULL REFERENCES users (id),
    kind          TEXT NOT NULL,
    value         TEXT NOT NULL,
    reason        TEXT NOT NULL,
    recorded_by   TEXT NOT NULL,
    self_declared INTEGER NOT NULL,
    created_at    INTEGER NOT NULL
);
CREATE INDEX conflicts_user ON conflicts (user_id);
