-- The verifiable log. log_entries is append-only: an entry's data never
-- changes. log_states is erasable: a court order deletes a state and its
-- salt, and every old proof still verifies because the entry keeps only the
-- commitment.
CREATE TABLE log_entries (
    idx         BIGINT PRIMARY KEY,
    object_type TEXT    NOT NULL,
    object_id   TEXT    NOT NULL,
    data        BYTEA   NOT NULL
);
CREATE INDEX log_entries_object ON log_entries (object_id, idx);

CREATE TABLE log_states (
    idx   BIGINT PRIMARY KEY,
    salt  BYTEA NOT NULL,
    state BYTEA NOT NULL
);

-- The Merkle tree, stored as C2SP tlog-tiles hash tiles: the row (level,
-- idx) holds tile idx of tile level `level`, the concatenated 32-byte
-- hashes of tree level 8*level from 256*idx on (256 of them once the tile
-- is full, fewer while it is the tree's right edge). A tile only grows,
-- and the tile served at /log/tile/<level>/<idx>[.p/<W>] is a prefix of
-- this row's data.
CREATE TABLE log_tiles (
    level SMALLINT NOT NULL,
    idx   BIGINT NOT NULL,
    data  BYTEA   NOT NULL,
    PRIMARY KEY (level, idx)
);

-- Every signed checkpoint is kept, so that an auditor can check any of them.
CREATE TABLE log_checkpoints (
    size      BIGINT PRIMARY KEY,
    note      BYTEA   NOT NULL,
    signed_at BIGINT NOT NULL
);

-- The log's origin and verifier key, recorded at first start so that a
-- later start with a different key is refused.
CREATE TABLE log_meta (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Tiles are 32-byte hashes, which do not compress: store them out of line
-- without trying.
ALTER TABLE log_tiles ALTER COLUMN data SET STORAGE EXTERNAL;
