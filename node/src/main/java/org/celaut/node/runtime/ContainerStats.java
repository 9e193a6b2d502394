package org.celaut.node.runtime;

/**
 * One sample of a container's resource use.
 *
 * @param memUsageBytes memory in use
 * @param memLimitBytes memory limit the engine enforces
 * @param cpuTotalNanos CPU time used since start
 */
public record ContainerStats(long memUsageBytes, long memLimitBytes, long cpuTotalNanos) {}
