package org.celaut.node.runtime;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Everything needed to start one instance's container. Besides these limits every container runs
 * with {@code no-new-privileges} and with every capability dropped but {@code capabilities}, and
 * its output is rotated by the runtime: a runtime may not start a container less confined.
 *
 * @param name the container's name ({@link #nameFor}), so {@code docker ps} shows whose it is;
 *     null lets the engine pick one. Nothing finds containers by name: the node uses the labels
 * @param imageRef from {@link ContainerRuntime#ensureImage}
 * @param entrypoint absolute path of the executable inside the container, e.g. {@code /bin/service}
 * @param environment process environment variables (names already checked to be C identifiers)
 * @param configFilePath absolute path where {@code configFileContent} is written before start
 * @param configFileContent bytes of the raw serialized {@code ConfigurationFile}
 * @param memLimitBytes memory limit, 0 = none
 * @param cpuPeriodMicros CFS period, 0 = engine default
 * @param cpuQuotaMicros CFS quota, 0 = no CPU limit
 * @param pidsLimit most processes and threads the container may hold at once, 0 = none
 * @param capabilities Linux capabilities kept (names without {@code CAP_}); all others are dropped
 * @param ports the service's API slots to publish
 * @param networkName the node network to attach to (from {@link ContainerRuntime#ensureNetwork})
 * @param publishHostIp host address that published ports bind to, e.g. {@code 127.0.0.1}
 * @param labels owner labels; see {@link ContainerLabels}
 */
public record ContainerSpec(
    String name,
    String imageRef,
    String entrypoint,
    Map<String, String> environment,
    String configFilePath,
    byte[] configFileContent,
    long memLimitBytes,
    long cpuPeriodMicros,
    long cpuQuotaMicros,
    long pidsLimit,
    Set<String> capabilities,
    List<PortSpec> ports,
    String networkName,
    String publishHostIp,
    Map<String, String> labels) {

  /** Prefix of every instance's container name. */
  public static final String NAME_PREFIX = "celaut-";

  // Docker's grammar for container names.
  private static final Pattern DOCKER_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]+");

  public ContainerSpec {
    if (name != null && !DOCKER_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("'" + name + "' is not a valid container name");
    }
    if (pidsLimit < 0) {
      throw new IllegalArgumentException("pidsLimit must not be negative, got " + pidsLimit);
    }
    capabilities = Set.copyOf(capabilities);
  }

  /** The container name of an instance: {@code celaut-<instance id>}. */
  public static String nameFor(String instanceId) {
    return NAME_PREFIX + instanceId;
  }

  /** One API slot: a port inside the container and its transport. */
  public record PortSpec(int port, Transport transport) {}

  /** Transport of a slot. */
  public enum Transport {
    TCP,
    UDP
  }
}
