-- The verifiable log. log_entries is append-only: an entry's data never
-- changes. log_states is erasable: a court order deletes a state and its
-- salt, and every old proof still verifies because the entry keeps only the
-- commitment.
CREATE TABLE log_entries (
    idx         INTEGER PRIMARY KEY,
    object_type TEXT    NOT NULL,
    object_id   TEXT    NOT NULL,
    data        BLOB    NOT NULL
);
CREATE INDEX log_entries_object ON log_entries (object_id, idx);

CREATE TABLE log_states (
    idx   INTEGER PRIMARY KEY,
    salt  BLOB NOT NULL,
    state BLOB NOT NULL
);

-- The Merkle tree, stored as C2SP tlog-tiles hash tiles: the row (level,
-- idx) holds tile idx of tile level `level`, the concatenated 32-byte
-- hashes of tree level 8*level from 256*idx on (256 of them once the tile
-- is full, fewer while it is the tree's right edge). A tile only grows,
-- and the tile served at /log/tile/<level>/<idx>[.p/<W>] is a prefix of
-- this row's data.
CREATE TABLE log_tiles (
    level INTEGER NOT NULL,
    idx   INTEGER NOT NULL,
    data  BLOB    NOT NULL,
    PRIMARY KEY (level, idx)
);

-- Every signed checkpoint is kept, so that an auditor can check any of them.
CREATE TABLE log_checkpoints (
    size      INTEGER PRIMARY KEY,
    note      BLOB    NOT NULL,
    signed_at INTEGER NOT NULL
);

-- The log's origin and verifier key, recorded at first start so that a
-- later start with a different key is refused.
CREATE TABLE log_meta (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
