package org.celaut.node.instances;

import java.util.Set;
import org.celaut.node.runtime.ContainerCapabilities;

/**
 * What the node imposes on every instance's container beyond what its service declares: the CPU
 * it gets when the service declares none, the most processes it may hold, and the capabilities
 * it keeps ({@link ContainerCapabilities} says why so few). Memory has its own default in {@link
 * InstanceManager.Settings}.
 *
 * @param defaultCpuPeriodMicros CFS period for a service that declares no CPU
 * @param defaultCpuQuotaMicros CFS quota for a service that declares no CPU (cores = quota/period)
 * @param pidsLimit most processes and threads one container may hold at once
 * @param capabilities Linux capabilities kept; every other one is dropped
 */
public record ContainerPolicy(
    long defaultCpuPeriodMicros, long defaultCpuQuotaMicros, long pidsLimit, Set<String> capabilities) {

  /** CFS period of the default CPU limit (the kernel's own default). */
  public static final long CPU_PERIOD_MICROS = ResourceChange.DEFAULT_CPU_PERIOD_MICROS;
  /** One core. */
  public static final double DEFAULT_CPUS = 1.0;
  /** Enough for a JVM with a few hundred threads; a fork bomb stops there. */
  public static final long DEFAULT_PIDS_LIMIT = 512;

  /** One core, 512 pids, {@link ContainerCapabilities#DEFAULT_KEPT}. */
  public static final ContainerPolicy DEFAULTS =
      of(DEFAULT_CPUS, DEFAULT_PIDS_LIMIT, ContainerCapabilities.DEFAULT_KEPT);

  public ContainerPolicy {
    if (defaultCpuPeriodMicros < ResourceChange.MIN_CPU_PERIOD_MICROS
        || defaultCpuPeriodMicros > ResourceChange.MAX_CPU_PERIOD_MICROS) {
      throw new IllegalArgumentException("default CPU period " + defaultCpuPeriodMicros + " µs is not "
          + ResourceChange.MIN_CPU_PERIOD_MICROS + " to " + ResourceChange.MAX_CPU_PERIOD_MICROS);
    }
    if (defaultCpuQuotaMicros < ResourceChange.MIN_CPU_QUOTA_MICROS) {
      throw new IllegalArgumentException("default CPU quota " + defaultCpuQuotaMicros
          + " µs is below the " + ResourceChange.MIN_CPU_QUOTA_MICROS + " µs the kernel accepts");
    }
    if (pidsLimit < 1) {
      throw new IllegalArgumentException("pids limit must be at least 1, got " + pidsLimit);
    }
    capabilities = ContainerCapabilities.check(capabilities);
  }

  /** A policy giving {@code cpus} cores (over a 100 ms period) to a service that declares none. */
  public static ContainerPolicy of(double cpus, long pidsLimit, Set<String> capabilities) {
    return new ContainerPolicy(CPU_PERIOD_MICROS, Math.round(cpus * CPU_PERIOD_MICROS), pidsLimit, capabilities);
  }
}
