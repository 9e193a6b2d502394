-- Foundation schema: what a node must remember across restarts.

-- Key/value facts about this node itself (its id, ...).
CREATE TABLE node_meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- One row per instance ever started. Tokens are secrets: only their SHA-256 is kept, so a copy
-- of the database does not let anyone stop or bill an instance.
CREATE TABLE instances (
  id             TEXT PRIMARY KEY,
  token_sha256   TEXT NOT NULL UNIQUE,
  service_id     TEXT NOT NULL,
  container_id   TEXT,
  state          TEXT NOT NULL CHECK (state IN ('STARTING', 'RUNNING', 'ENDED', 'FAILED')),
  parent_id      TEXT REFERENCES instances (id),
  client_id      TEXT,
  instance_proto BLOB,
  created_at_ms  INTEGER NOT NULL,
  ended_at_ms    INTEGER,
  end_reason     TEXT
);
CREATE INDEX instances_state ON instances (state);
CREATE INDEX instances_parent ON instances (parent_id);

-- Clients that pay this node (minted by GenerateClient in a later issue).
CREATE TABLE clients (
  id            TEXT PRIMARY KEY,
  created_at_ms INTEGER NOT NULL
);

-- Other nodes this node knows (filled by IntroducePeer in a later issue).
CREATE TABLE peers (
  id            TEXT PRIMARY KEY,
  host          TEXT NOT NULL,
  port          INTEGER NOT NULL,
  added_at_ms   INTEGER NOT NULL,
  last_seen_ms  INTEGER
);
