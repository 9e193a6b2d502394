package org.celaut.node.store;

import java.util.Optional;

/**
 * One row of the instances table.
 *
 * @param id public instance id (labels, logs, {@code ls}); never a credential
 * @param tokenSha256 hex SHA-256 of the instance's secret token
 * @param serviceId hex service id
 * @param containerId engine container id, empty until created
 * @param state lifecycle state
 * @param parentId id of the instance that started it, if any
 * @param clientId paying client, if any
 * @param instanceProto serialized {@code celaut.Instance} (addresses), empty until running
 * @param createdAtMillis creation time, epoch millis
 * @param endedAtMillis end time, 0 while alive
 * @param endReason why it ended, empty while alive
 * @param networkIp its address on the node network, empty until running
 * @param depth 0 for an instance started from outside, its parent's depth + 1 for a child
 * @param memLimitBytes memory limit in force, 0 if not recorded (adopted from an older node)
 * @param cpuPeriodMicros CFS period in force, 0 = engine default
 * @param cpuQuotaMicros CFS quota in force, 0 = no CPU limit
 * @param treeToken id of its whole tree (shared with its root and every descendant); empty for
 *     instances recorded before trees existed
 */
public record InstanceRecord(
    String id,
    String tokenSha256,
    String serviceId,
    Optional<String> containerId,
    InstanceState state,
    Optional<String> parentId,
    Optional<String> clientId,
    byte[] instanceProto,
    long createdAtMillis,
    long endedAtMillis,
    String endReason,
    Optional<String> networkIp,
    int depth,
    long memLimitBytes,
    long cpuPeriodMicros,
    long cpuQuotaMicros,
    String treeToken) {

  /** True while the instance may still hold a container. */
  public boolean alive() {
    return state == InstanceState.STARTING || state == InstanceState.RUNNING;
  }
}
