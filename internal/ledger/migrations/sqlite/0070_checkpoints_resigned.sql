-- A log re-signs its checkpoint every ten minutes while idle, with a new
-- timestamp, so that auditors can tell a live log from a frozen copy: the
-- same tree size is then signed more than once, and every signature is
-- kept. SQLite cannot change a primary key in place, so the table is
-- copied.
CREATE TABLE log_checkpoints_new (
    size      INTEGER NOT NULL,
    note      BLOB    NOT NULL,
    signed_at INTEGER NOT NULL,
    PRIMARY KEY (size, signed_at)
);
INSERT INTO log_checkpoints_new (size, note, signed_at) SELECT size, note, signed_at FROM log_checkpoints;
DROP TABLE log_checkpoints;
ALTER TABLE log_checkpoints_new RENAME TO log_checkpoints;
