-- Speak up: anonymous reports, young people's own reports and protected
-- whistle-blowing (internal/speakup). Tracked tables (every change logged,
-- see sqlstore.Tables) hold what the log may know: that a report exists,
-- when, to whom it was routed, its clocks and its status, and the SHA-256
-- of each ciphertext. The ciphertexts, the receipt verifiers and the
-- wrapped private keys sit in untracked tables beside them, bound by those
-- hashes, so that deleting a report at the end of its retention deletes
-- them outright: a tracked row's last state stays in the log's erasable
-- state table, and must therefore hold nothing secret.

-- Which agencies receive which channel (speakup.Route).
CREATE TABLE speakup_routes (
    id         TEXT PRIMARY KEY,
    version    BIGINT NOT NULL,
    channel    TEXT NOT NULL,
    agency_id  TEXT NOT NULL REFERENCES agencies (id),
    active     BIGINT NOT NULL,
    changed_at BIGINT NOT NULL,
    changed_by TEXT NOT NULL
);
CREATE UNIQUE INDEX speakup_routes_channel ON speakup_routes (channel, agency_id);

-- Staff enrolled to receive reports, with the public half of their key.
CREATE TABLE speakup_recipients (
    id          TEXT PRIMARY KEY,
    version     BIGINT NOT NULL,
    user_id     TEXT NOT NULL UNIQUE REFERENCES users (id),
    agency_id   TEXT NOT NULL REFERENCES agencies (id),
    public_key  TEXT NOT NULL,
    key_sha256  TEXT NOT NULL,
    custodian   BIGINT NOT NULL,
    active      BIGINT NOT NULL,
    enrolled_at BIGINT NOT NULL
);

-- The private halves, wrapped under each recipient's password (age scrypt).
CREATE TABLE speakup_recipient_keys (
    recipient_id TEXT PRIMARY KEY REFERENCES speakup_recipients (id),
    wrapped      BYTEA NOT NULL
);

CREATE TABLE speakup_reports (
    id              TEXT PRIMARY KEY,
    version         BIGINT NOT NULL,
    channel         TEXT NOT NULL,
    status          TEXT NOT NULL,
    received_at     BIGINT NOT NULL,
    acknowledged_at BIGINT,
    closed_at       BIGINT,
    case_id         TEXT REFERENCES cases (id),
    reporter_key    TEXT NOT NULL,
    receipt_sha256  TEXT NOT NULL,
    content_sha256  TEXT NOT NULL,
    identity_sha256 TEXT
);
CREATE INDEX speakup_reports_status ON speakup_reports (status, closed_at);

-- Receipt verifiers: lookup words as a number, argon2id salt, parameters
-- and hash, and the reporter's private key sealed under the receipt.
-- failures and window_start count wrong receipts for the per-report limit.
CREATE TABLE speakup_receipts (
    report_id    TEXT PRIMARY KEY REFERENCES speakup_reports (id),
    lookup       BIGINT NOT NULL UNIQUE,
    salt         BYTEA NOT NULL,
    params       TEXT NOT NULL,
    hash         BYTEA NOT NULL,
    sealed_key   BYTEA NOT NULL,
    failures     BIGINT NOT NULL,
    window_start BIGINT NOT NULL
);

-- Every ciphertext: report contents, identities, messages, attachments.
CREATE TABLE speakup_blobs (
    id        TEXT PRIMARY KEY,
    report_id TEXT NOT NULL REFERENCES speakup_reports (id),
    data      BYTEA NOT NULL
);
CREATE INDEX speakup_blobs_report ON speakup_blobs (report_id);

-- To whom each report was routed: one row per recipient whose key it was
-- encrypted for.
CREATE TABLE speakup_access (
    id           TEXT PRIMARY KEY,
    version      BIGINT NOT NULL,
    report_id    TEXT NOT NULL REFERENCES speakup_reports (id),
    recipient_id TEXT NOT NULL REFERENCES speakup_recipients (id),
    user_id      TEXT NOT NULL REFERENCES users (id),
    agency_id    TEXT NOT NULL REFERENCES agencies (id),
    granted_at   BIGINT NOT NULL
);
CREATE UNIQUE INDEX speakup_access_report ON speakup_access (report_id, recipient_id);
CREATE INDEX speakup_access_user ON speakup_access (user_id);

CREATE TABLE speakup_messages (
    id          TEXT PRIMARY KEY,
    version     BIGINT NOT NULL,
    report_id   TEXT NOT NULL REFERENCES speakup_reports (id),
    seq         BIGINT NOT NULL,
    author      TEXT NOT NULL,
    author_id   TEXT,
    at          BIGINT NOT NULL,
    blob_sha256 TEXT NOT NULL,
    attachments BIGINT NOT NULL
);
CREATE UNIQUE INDEX speakup_messages_report ON speakup_messages (report_id, seq);

-- Each attachment is kept twice, both encrypted: the sealed original and
-- a copy with its metadata stripped; both hashes are in the log.
CREATE TABLE speakup_attachments (
    id              TEXT PRIMARY KEY,
    version         BIGINT NOT NULL,
    report_id       TEXT NOT NULL REFERENCES speakup_reports (id),
    message_id      TEXT NOT NULL REFERENCES speakup_messages (id),
    media_type      TEXT NOT NULL,
    original_sha256 TEXT NOT NULL,
    original_size   BIGINT NOT NULL,
    copy_sha256     TEXT NOT NULL,
    copy_size       BIGINT NOT NULL
);
CREATE INDEX speakup_attachments_report ON speakup_attachments (report_id);

CREATE TABLE speakup_deadlines (
    id        TEXT PRIMARY KEY,
    version   BIGINT NOT NULL,
    report_id TEXT NOT NULL REFERENCES speakup_reports (id),
    kind      TEXT NOT NULL,
    due_at    BIGINT NOT NULL,
    status    TEXT NOT NULL,
    met_at    BIGINT,
    missed_at BIGINT
);
CREATE UNIQUE INDEX speakup_deadlines_report ON speakup_deadlines (report_id, kind);
CREATE INDEX speakup_deadlines_due ON speakup_deadlines (status, due_at);

-- Requests to see a reporter's identity, and custodians' answers. An
-- approval re-encrypts the identity for the requester alone (blob id =
-- the request's id).
CREATE TABLE speakup_disclosures (
    id           TEXT PRIMARY KEY,
    version      BIGINT NOT NULL,
    report_id    TEXT NOT NULL REFERENCES speakup_reports (id),
    requested_by TEXT NOT NULL REFERENCES users (id),
    reason       TEXT NOT NULL,
    requested_at BIGINT NOT NULL,
    status       TEXT NOT NULL,
    decided_by   TEXT REFERENCES users (id),
    decided_at   BIGINT,
    grant_sha256 TEXT
);
CREATE INDEX speakup_disclosures_report ON speakup_disclosures (report_id);
