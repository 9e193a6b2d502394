package org.celaut.node.instances;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.celaut.node.runtime.ContainerSpec;
import org.celaut.proto.celaut.BytesKeyValue;
import org.celaut.proto.celaut.Configuration;
import org.celaut.proto.celaut.Service;
import org.celaut.proto.celaut.Sysresources;

/**
 * Pure decisions about how to run a service: entrypoint, environment, resources, ports, config
 * path. No I/O, so every rule is testable in isolation; {@link InstanceManager} does the I/O.
 *
 * @param entrypoint absolute path of the executable
 * @param configPath absolute path of the config file
 * @param environment process environment
 * @param initialResources resources at start (what the config file reports)
 * @param ports API slots to publish
 */
public record LaunchPlan(
    String entrypoint,
    String configPath,
    Map<String, String> environment,
    Sysresources initialResources,
    List<ContainerSpec.PortSpec> ports) {

  private static final Pattern C_IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  /** The architecture this node runs. */
  public static final String NATIVE_ARCHITECTURE = "linux/amd64";

  /** As {@link #of(Service, Configuration, long, ContainerPolicy)} with the default policy. */
  public static LaunchPlan of(Service service, Configuration config, long defaultMemLimitBytes)
      throws LaunchRefusedException {
    return of(service, config, defaultMemLimitBytes, ContainerPolicy.DEFAULTS);
  }

  /**
   * Decides how to run {@code service} with {@code config}, or explains why it cannot run here.
   *
   * <p>Resources at start are the service's {@code resources.at_init}, with two gaps filled: no
   * memory limit (or 0) gets {@code defaultMemLimitBytes}; no CPU quota (or 0) gets the policy's
   * default period and quota, so no instance runs without a CPU limit. A declared quota without a
   * period gets the kernel's 100 ms period.
   *
   * @param defaultMemLimitBytes memory for a service that declares none
   * @param policy the node's CPU default for a service that declares none
   */
  public static LaunchPlan of(Service service, Configuration config, long defaultMemLimitBytes,
      ContainerPolicy policy) throws LaunchRefusedException {
    Service.Container c = service.getContainer();
    List<String> archTags = c.getArchitecture().getTagsList();
    if (!archTags.isEmpty() && archTags.stream().noneMatch(LaunchPlan::isNative)) {
      throw new LaunchRefusedException(
          "the service needs architecture " + archTags + " but this node runs " + NATIVE_ARCHITECTURE);
    }
    List<String> entry = c.getInit().getEntryPathList();
    if (entry.isEmpty()) {
      throw new LaunchRefusedException("the service declares no entrypoint (container.init.entry_path is empty)");
    }
    String entrypoint = absolutePath(entry, "container.init.entry_path");
    List<String> cfgPath = c.getConfigDeclaration().getPathList();
    String configPath = cfgPath.isEmpty() ? "/__config__" : absolutePath(cfgPath, "container.config_declaration.path");

    Map<String, String> env = new TreeMap<>();
    for (BytesKeyValue kv : config.getEnvironmentVariablesList()) {
      String value = kv.getValue().toStringUtf8();
      // The reference passes only C-identifier names without NUL bytes; the rest stays readable
      // in the config file but cannot be a process variable.
      if (C_IDENTIFIER.matcher(kv.getKey()).matches() && value.indexOf('\0') < 0) {
        env.put(kv.getKey(), value); // last entry for a key wins, as SCHEMA.md says
      }
    }

    Sysresources atInit = c.hasResources() ? c.getResources().getAtInit() : Sysresources.getDefaultInstance();
    Sysresources.Builder init = atInit.toBuilder();
    if (!atInit.hasMemLimit() || atInit.getMemLimit() == 0) {
      init.setMemLimit(defaultMemLimitBytes);
    }
    if (atInit.getCpuQuota() == 0) {
      init.setCpuPeriod(policy.defaultCpuPeriodMicros()).setCpuQuota(policy.defaultCpuQuotaMicros());
    } else if (atInit.getCpuPeriod() == 0) {
      init.setCpuPeriod(ResourceChange.DEFAULT_CPU_PERIOD_MICROS);
    }

    List<ContainerSpec.PortSpec> ports = new ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (Service.Api.Slot slot : service.getApi().getSlotList()) {
      if (slot.getPort() < 1 || slot.getPort() > 65535) {
        throw new LaunchRefusedException("api slot port " + slot.getPort() + " is not 1..65535");
      }
      ContainerSpec.Transport t =
          slot.getTransport().getTagsList().stream().anyMatch(s -> s.equalsIgnoreCase("udp"))
              ? ContainerSpec.Transport.UDP
              : ContainerSpec.Transport.TCP;
      if (!seen.add(slot.getPort() + "/" + t)) {
        throw new LaunchRefusedException("api slot port " + slot.getPort() + "/" + t + " is declared twice");
      }
      ports.add(new ContainerSpec.PortSpec(slot.getPort(), t));
    }
    return new LaunchPlan(entrypoint, configPath, Map.copyOf(env), init.build(), List.copyOf(ports));
  }

  private static boolean isNative(String tag) {
    String t = tag.toLowerCase(java.util.Locale.ROOT);
    return t.equals(NATIVE_ARCHITECTURE) || t.equals("amd64") || t.equals("x86_64") || t.equals("linux/x86_64");
  }

  private static String absolutePath(List<String> segments, String field) throws LaunchRefusedException {
    StringBuilder sb = new StringBuilder();
    for (String s : segments) {
      if (s.isEmpty() || s.equals(".") || s.equals("..") || s.contains("/") || s.indexOf('\0') >= 0) {
        throw new LaunchRefusedException(field + " has a bad segment '" + s + "' in " + segments);
      }
      sb.append('/').append(s);
    }
    return sb.toString();
  }
}
