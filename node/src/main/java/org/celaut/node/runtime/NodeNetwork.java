package org.celaut.node.runtime;

/**
 * The node's own container network.
 *
 * @param name engine-side network name
 * @param id engine-side network id
 * @param gatewayIp the host's address on this network: where containers reach the node
 * @param subnet CIDR of the network, e.g. {@code 172.30.0.0/16}
 */
public record NodeNetwork(String name, String id, String gatewayIp, String subnet) {}
