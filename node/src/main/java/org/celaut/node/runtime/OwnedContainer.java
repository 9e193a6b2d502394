package org.celaut.node.runtime;

/**
 * A container carrying this node's owner label.
 *
 * @param containerId engine-side id
 * @param instanceId value of {@link ContainerLabels#INSTANCE}
 * @param serviceIdHex value of {@link ContainerLabels#SERVICE}
 * @param running true while its main process runs
 */
public record OwnedContainer(String containerId, String instanceId, String serviceIdHex, boolean running) {}
