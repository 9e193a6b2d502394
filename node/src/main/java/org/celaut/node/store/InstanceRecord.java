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
    String endReason) {

  /** True while the instance may still hold a container. */
  public boolean alive() {
    return state == InstanceState.STARTING || state == InstanceState.RUNNING;
  }
}
