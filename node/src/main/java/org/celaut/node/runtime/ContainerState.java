package org.celaut.node.runtime;

import java.util.Map;

/**
 * What the engine says about one container.
 *
 * @param containerId engine-side id
 * @param running true while its main process runs
 * @param exitCode exit code once stopped (meaningless while running)
 * @param labels its labels
 */
public record ContainerState(String containerId, boolean running, int exitCode, Map<String, String> labels) {}
