package org.celaut.node.runtime;

import java.util.Map;

/**
 * A container that was created and started.
 *
 * @param containerId engine-side id
 * @param networkIp the container's address on the node network
 * @param publishedPorts internal port to the host port it was published on
 */
public record StartedContainer(String containerId, String networkIp, Map<Integer, Integer> publishedPorts) {}
