package org.celaut.node.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything a node is configured with. Every field has a documented default ({@link
 * #defaults()}); {@link NodeConfigLoader} layers a file, the environment and command-line flags
 * on top, in that order.
 *
 * @param dataDir where the database, services, blocks and spool live
 * @param bindHost address the gateway listens on for clients (also its advertised host by default)
 * @param port gateway port
 * @param advertisedHost the host clients outside reach published instance ports on
 * @param dockerHost Docker engine endpoint
 * @param networkName name of the node's Docker network; empty = derived from the node id
 * @param defaultMemLimitBytes memory of an instance whose service declares none
 * @param maxServiceBytes largest service body accepted
 * @param maxMessageBytes largest in-memory message accepted (everything but a service body)
 * @param startTimeout how long a container may take to start
 * @param shutdownGrace how long in-flight calls get on shutdown
 * @param stopInstancesOnShutdown stop every running instance when the node stops (off: they keep
 *     running and are adopted again at the next start)
 * @param maxChildDepth deepest an instance started by another may sit in its tree (a root is at 0)
 * @param maxChildrenPerInstance most live children one instance may hold
 * @param maxTotalMemBytes most memory all live instances together may hold
 * @param maxRecursionHops most nodes a delegation tree may still enter, counting this one, when a
 *     request's recursion guard says more or nothing
 */
public record NodeConfig(
    Path dataDir,
    String bindHost,
    int port,
    String advertisedHost,
    String dockerHost,
    String networkName,
    long defaultMemLimitBytes,
    long maxServiceBytes,
    long maxMessageBytes,
    Duration startTimeout,
    Duration shutdownGrace,
    boolean stopInstancesOnShutdown,
    int maxChildDepth,
    int maxChildrenPerInstance,
    long maxTotalMemBytes,
    int maxRecursionHops) {

  public static final Path DEFAULT_DATA_DIR = Path.of(".celaut", "node");
  public static final String DEFAULT_BIND_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8090;
  public static final String DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock";
  public static final long DEFAULT_MEM_LIMIT_BYTES = 256L << 20;
  public static final long DEFAULT_MAX_SERVICE_BYTES = 4L << 30;
  public static final long DEFAULT_MAX_MESSAGE_BYTES = 4L << 20;
  public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);
  public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(10);
  public static final int DEFAULT_MAX_CHILD_DEPTH = 8;
  public static final int DEFAULT_MAX_CHILDREN_PER_INSTANCE = 16;
  public static final int DEFAULT_MAX_RECURSION_HOPS = 16;

  public NodeConfig {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, got " + port);
    }
    if (defaultMemLimitBytes < 4L << 20) {
      throw new IllegalArgumentException(
          "default memory limit must be at least 4 MiB, got " + defaultMemLimitBytes + " bytes");
    }
    if (maxServiceBytes <= 0 || maxMessageBytes <= 0) {
      throw new IllegalArgumentException("message size limits must be positive");
    }
    if (maxChildDepth < 0 || maxChildrenPerInstance < 0) {
      throw new IllegalArgumentException("child limits must not be negative");
    }
    if (maxTotalMemBytes < defaultMemLimitBytes) {
      throw new IllegalArgumentException("the node's memory budget (" + maxTotalMemBytes
          + " bytes) is smaller than the default memory of one instance (" + defaultMemLimitBytes + " bytes)");
    }
    if (maxRecursionHops < 1) {
      throw new IllegalArgumentException("max recursion hops must be at least 1, got " + maxRecursionHops);
    }
  }

  /** This machine's physical memory (inside a container: its memory limit), the default budget. */
  public static long physicalMemoryBytes() {
    return ((com.sun.management.OperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
  }

  /** The configuration with every default. */
  public static NodeConfig defaults() {
    return new NodeConfig(
        DEFAULT_DATA_DIR,
        DEFAULT_BIND_HOST,
        DEFAULT_PORT,
        DEFAULT_BIND_HOST,
        DEFAULT_DOCKER_HOST,
        "",
        DEFAULT_MEM_LIMIT_BYTES,
        DEFAULT_MAX_SERVICE_BYTES,
        DEFAULT_MAX_MESSAGE_BYTES,
        DEFAULT_START_TIMEOUT,
        DEFAULT_SHUTDOWN_GRACE,
        false,
        DEFAULT_MAX_CHILD_DEPTH,
        DEFAULT_MAX_CHILDREN_PER_INSTANCE,
        physicalMemoryBytes(),
        DEFAULT_MAX_RECURSION_HOPS);
  }

  public NodeConfig withDataDir(Path dir) {
    return new NodeConfig(dir, bindHost, port, advertisedHost, dockerHost, networkName,
        defaultMemLimitBytes, maxServiceBytes, maxMessageBytes, startTimeout, shutdownGrace,
        stopInstancesOnShutdown, maxChildDepth, maxChildrenPerInstance, maxTotalMemBytes, maxRecursionHops);
  }

  public NodeConfig withPort(int newPort) {
    return new NodeConfig(dataDir, bindHost, newPort, advertisedHost, dockerHost, networkName,
        defaultMemLimitBytes, maxServiceBytes, maxMessageBytes, startTimeout, shutdownGrace,
        stopInstancesOnShutdown, maxChildDepth, maxChildrenPerInstance, maxTotalMemBytes, maxRecursionHops);
  }

  public NodeConfig withNetworkName(String name) {
    return new NodeConfig(dataDir, bindHost, port, advertisedHost, dockerHost, name,
        defaultMemLimitBytes, maxServiceBytes, maxMessageBytes, startTimeout, shutdownGrace,
        stopInstancesOnShutdown, maxChildDepth, maxChildrenPerInstance, maxTotalMemBytes, maxRecursionHops);
  }

  public NodeConfig withMaxServiceBytes(long bytes) {
    return new NodeConfig(dataDir, bindHost, port, advertisedHost, dockerHost, networkName,
        defaultMemLimitBytes, bytes, maxMessageBytes, startTimeout, shutdownGrace,
        stopInstancesOnShutdown, maxChildDepth, maxChildrenPerInstance, maxTotalMemBytes, maxRecursionHops);
  }

  public NodeConfig withStopInstancesOnShutdown(boolean stop) {
    return new NodeConfig(dataDir, bindHost, port, advertisedHost, dockerHost, networkName,
        defaultMemLimitBytes, maxServiceBytes, maxMessageBytes, startTimeout, shutdownGrace, stop,
        maxChildDepth, maxChildrenPerInstance, maxTotalMemBytes, maxRecursionHops);
  }

  public NodeConfig withMaxChildDepth(int depth) {
    return new NodeConfig(dataDir, bindHost, port, advertisedHost, dockerHost, networkName,
        defaultMemLimitBytes, maxServiceBytes, maxMessageBytes, startTimeout, shutdownGrace,
        stopInstancesOnShutdown, depth, maxChildrenPerInstance, maxTotalMemBytes, maxRecursionHops);
  }

  public NodeConfig withMaxChildrenPerInstance(int children) {
    return new NodeConfig(dataDir, bindHost, port, advertisedHost, dockerHost, networkName,
        defaultMemLimitBytes, maxServiceBytes, maxMessageBytes, startTimeout, shutdownGrace,
        stopInstancesOnShutdown, maxChildDepth, children, maxTotalMemBytes, maxRecursionHops);
  }

  public NodeConfig withMaxTotalMemBytes(long bytes) {
    return new NodeConfig(dataDir, bindHost, port, advertisedHost, dockerHost, networkName,
        defaultMemLimitBytes, maxServiceBytes, maxMessageBytes, startTimeout, shutdownGrace,
        stopInstancesOnShutdown, maxChildDepth, maxChildrenPerInstance, bytes, maxRecursionHops);
  }
}
