package org.celaut.node.instances;

import java.math.BigInteger;
import org.celaut.proto.celaut.Sysresources;

/**
 * What a running instance may change its resources to (ModifyServiceSystemResources), as a pure
 * decision: its ask ({@code max_sysreq}) bounded by what its own service declares as its most and
 * by what the node has free. Memory and CPU are applied; other fields are not (yet) and are left
 * out of the answer, which reports only what is in force.
 */
public final class ResourceChange {

  /** The Docker engine refuses less memory than this. */
  public static final long MIN_MEM_BYTES = 6L << 20;
  /** CFS period when none is given (the kernel's and the reference's default). */
  public static final long DEFAULT_CPU_PERIOD_MICROS = 100_000;
  /** Bounds of a CFS period the kernel accepts. */
  public static final long MIN_CPU_PERIOD_MICROS = 1_000;
  public static final long MAX_CPU_PERIOD_MICROS = 1_000_000;
  /** Smallest CFS quota the kernel accepts. */
  public static final long MIN_CPU_QUOTA_MICROS = 1_000;

  private ResourceChange() {}

  /**
   * Limits of a container.
   *
   * @param memLimitBytes memory, 0 = none
   * @param cpuPeriodMicros CFS period, 0 = engine default
   * @param cpuQuotaMicros CFS quota, 0 = no CPU limit
   */
  public record Limits(long memLimitBytes, long cpuPeriodMicros, long cpuQuotaMicros) {

    /** As the protocol reports resources: only the fields that are set. */
    public Sysresources toSysresources() {
      Sysresources.Builder b = Sysresources.newBuilder();
      if (memLimitBytes > 0) {
        b.setMemLimit(memLimitBytes);
      }
      if (cpuPeriodMicros > 0) {
        b.setCpuPeriod(cpuPeriodMicros);
      }
      if (cpuQuotaMicros > 0) {
        b.setCpuQuota(cpuQuotaMicros);
      }
      return b.build();
    }
  }

  /**
   * The limits to apply.
   *
   * @param current limits in force
   * @param asked the instance's {@code max_sysreq}; an unset or zero field keeps its value
   * @param atInit the service's {@code resources.at_init} (a service always may have that much)
   * @param atMost the service's {@code resources.at_most}; an unset or zero field bounds nothing
   * @param memOfOthersBytes memory every other live instance holds
   * @param otherInstances how many they are
   * @param maxTotalMemBytes the node's memory budget
   */
  public static Limits decide(
      Limits current, Sysresources asked, Sysresources atInit, Sysresources atMost,
      long memOfOthersBytes, int otherInstances, long maxTotalMemBytes)
      throws ResourceChangeRefusedException {
    // uint64 on the wire: what Java reads as negative is beyond 2^63, more than any machine has.
    notHuge("mem_limit", asked.getMemLimit());
    notHuge("cpu_period", asked.getCpuPeriod());
    notHuge("cpu_quota", asked.getCpuQuota());
    long mem = asked.getMemLimit() > 0 ? asked.getMemLimit() : current.memLimitBytes();
    long period = asked.getCpuPeriod() > 0 ? asked.getCpuPeriod() : current.cpuPeriodMicros();
    long quota = asked.getCpuQuota() > 0 ? asked.getCpuQuota() : current.cpuQuotaMicros();

    if (asked.getMemLimit() > 0 && asked.getMemLimit() < MIN_MEM_BYTES) {
      throw bad("mem_limit " + asked.getMemLimit() + " is below the " + MIN_MEM_BYTES
          + " bytes a container needs at least");
    }
    if (asked.getCpuPeriod() > 0
        && (asked.getCpuPeriod() < MIN_CPU_PERIOD_MICROS || asked.getCpuPeriod() > MAX_CPU_PERIOD_MICROS)) {
      throw bad("cpu_period " + asked.getCpuPeriod() + " is not " + MIN_CPU_PERIOD_MICROS + " to "
          + MAX_CPU_PERIOD_MICROS + " µs");
    }
    if (asked.getCpuQuota() > 0 && asked.getCpuQuota() < MIN_CPU_QUOTA_MICROS) {
      throw bad("cpu_quota " + asked.getCpuQuota() + " is below the " + MIN_CPU_QUOTA_MICROS + " µs the kernel accepts");
    }
    if (quota > 0 && period == 0) {
      period = DEFAULT_CPU_PERIOD_MICROS; // a quota means nothing without its period
    }

    long memMost = unsignedMax(atMost.getMemLimit(), atInit.getMemLimit(), atMost.getMemLimit() != 0);
    if (asked.getMemLimit() > 0 && memMost != 0 && Long.compareUnsigned(mem, memMost) > 0) {
      throw new ResourceChangeRefusedException(ResourceChangeRefusedException.Kind.BEYOND_DECLARED,
          "mem_limit " + mem + " is more than the service's resources.at_most.mem_limit "
              + Long.toUnsignedString(memMost));
    }
    if ((asked.getCpuQuota() > 0 || asked.getCpuPeriod() > 0) && quota > 0 && atMost.getCpuQuota() != 0) {
      long mostPeriod = atMost.getCpuPeriod() != 0 ? atMost.getCpuPeriod() : DEFAULT_CPU_PERIOD_MICROS;
      // quota/period > mostQuota/mostPeriod, exactly and without overflow
      BigInteger lhs = BigInteger.valueOf(quota).multiply(unsigned(mostPeriod));
      BigInteger rhs = unsigned(atMost.getCpuQuota()).multiply(BigInteger.valueOf(period));
      if (lhs.compareTo(rhs) > 0) {
        throw new ResourceChangeRefusedException(ResourceChangeRefusedException.Kind.BEYOND_DECLARED,
            "cpu_quota/cpu_period " + quota + "/" + period + " (" + cores(quota, period)
                + " cores) is more than the service's resources.at_most cpu_quota/cpu_period "
                + Long.toUnsignedString(atMost.getCpuQuota()) + "/" + Long.toUnsignedString(mostPeriod)
                + " (" + cores(atMost.getCpuQuota(), mostPeriod) + " cores)");
      }
    }
    // Shrinking is always allowed, even on a node over its budget (say, after it was lowered).
    if (mem > current.memLimitBytes() && mem > maxTotalMemBytes - Math.min(memOfOthersBytes, maxTotalMemBytes)) {
      throw new ResourceChangeRefusedException(ResourceChangeRefusedException.Kind.NO_CAPACITY,
          "mem_limit " + mem + " does not fit: the " + otherInstances + " other live instance(s) hold "
              + memOfOthersBytes + " bytes and all instances together may hold at most " + maxTotalMemBytes
              + " bytes (config key " + Admission.MAX_TOTAL_MEM_KEY + "); at most "
              + Math.max(0, maxTotalMemBytes - memOfOthersBytes) + " bytes are free for this instance");
    }
    return new Limits(mem, period, quota);
  }

  private static void notHuge(String field, long value) throws ResourceChangeRefusedException {
    if (value < 0) {
      throw bad(field + " " + Long.toUnsignedString(value) + " is beyond any machine");
    }
  }

  private static ResourceChangeRefusedException bad(String message) {
    return new ResourceChangeRefusedException(ResourceChangeRefusedException.Kind.BAD_REQUEST, message);
  }

  private static String cores(long quota, long period) {
    return new java.math.BigDecimal(unsigned(quota))
        .divide(new java.math.BigDecimal(unsigned(period)), 2, java.math.RoundingMode.HALF_UP)
        .toPlainString();
  }

  private static BigInteger unsigned(long v) {
    return new BigInteger(Long.toUnsignedString(v));
  }

  /** The larger of two unsigned values if {@code declared}, else 0 (no bound). */
  private static long unsignedMax(long a, long b, boolean declared) {
    if (!declared) {
      return 0;
    }
    return Long.compareUnsigned(a, b) >= 0 ? a : b;
  }
}
