-- Disk garbage collection: when each stored service was last used (started, or named by a
-- StartService), so that once the disk budget is passed the least recently used services without
-- a live instance go first, in the same order after a restart. A service's instances (created_at_ms,
-- ended_at_ms in V1) count as uses too; this table adds the uses no instance records, such as an
-- upload whose start was refused.
CREATE TABLE service_use (
  service_id   TEXT PRIMARY KEY,
  last_used_ms INTEGER NOT NULL
);
