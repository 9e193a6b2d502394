package org.celaut.node.runtime;

import java.util.List;
import java.util.Map;

/**
 * Everything needed to start one instance's container.
 *
 * @param imageRef from {@link ContainerRuntime#ensureImage}
 * @param entrypoint absolute path of the executable inside the container, e.g. {@code /bin/service}
 * @param environment process environment variables (names already checked to be C identifiers)
 * @param configFilePath absolute path where {@code configFileContent} is written before start
 * @param configFileContent bytes of the raw serialized {@code ConfigurationFile}
 * @param memLimitBytes memory limit, 0 = none
 * @param cpuPeriodMicros CFS period, 0 = engine default
 * @param cpuQuotaMicros CFS quota, 0 = no CPU limit
 * @param ports the service's API slots to publish
 * @param networkName the node network to attach to (from {@link ContainerRuntime#ensureNetwork})
 * @param publishHostIp host address that published ports bind to, e.g. {@code 127.0.0.1}
 * @param labels owner labels; see {@link ContainerLabels}
 */
public record ContainerSpec(
    String imageRef,
    String entrypoint,
    Map<String, String> environment,
    String configFilePath,
    byte[] configFileContent,
    long memLimitBytes,
    long cpuPeriodMicros,
    long cpuQuotaMicros,
    List<PortSpec> ports,
    String networkName,
    String publishHostIp,
    Map<String, String> labels) {

  /** One API slot: a port inside the container and its transport. */
  public record PortSpec(int port, Transport transport) {}

  /** Transport of a slot. */
  public enum Transport {
    TCP,
    UDP
  }
}
