-- Services that use services: every instance knows where it sits in its tree (parent_id is in
-- V1), the address it calls the node from, and the resources in force, so attribution, the
-- recursion guard, cascading stops and the memory budget all survive a restart.

-- The instance's address on the node network: a call whose source IP is this is the instance's.
ALTER TABLE instances ADD COLUMN network_ip TEXT;
-- 0 for an instance started from outside, parent's depth + 1 for a child.
ALTER TABLE instances ADD COLUMN depth INTEGER NOT NULL DEFAULT 0;
-- Limits in force (0 = none recorded: instances adopted from before this version).
ALTER TABLE instances ADD COLUMN mem_limit_bytes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE instances ADD COLUMN cpu_period INTEGER NOT NULL DEFAULT 0;
ALTER TABLE instances ADD COLUMN cpu_quota INTEGER NOT NULL DEFAULT 0;
-- Id of the whole tree (a RecursionGuard token): shared by a root and all its descendants.
ALTER TABLE instances ADD COLUMN tree_token TEXT;

-- Attribution looks up live instances by address; Docker reuses addresses of ended ones.
CREATE INDEX instances_alive_network_ip ON instances (network_ip)
  WHERE state IN ('STARTING', 'RUNNING');
CREATE INDEX instances_tree_token ON instances (tree_token);
