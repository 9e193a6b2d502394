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
    boolean stopInstancesOnShutdown) {

  public static final Path DEFAULT_DATA_DIR = Path.of(".celaut", "node");
  public static final String DEFAULT_BIND_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8090;
  public static final String DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock";
  public static final long DEFAULT_MEM_LIMIT_BYTES = 256L << 20;
  public static final long DEFAULT_MAX_SERVICE_BYTES = 4L << 30;
  public static final long DEFAULT_MAX_MESSAGE_BYTES = 4L << 20;
  public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);
  public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(10);

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
        false);
  }

  public NodeConfig withDataDir(Path dir) {
    return new NodeConfig(dir, bindHost, port, advertisedHost, dockerHost, networkName,
        defaultMemLimitBytes, maxServiceBytes, maxMessageBytes, startTimeout, shutdownGrace,
        stopInstancesOnShutdown);
  }

  public NodeConfig withPort(int newPort) {
    return new NodeConfig(dataDir, bindHost, newPort, advertisedHost, dockerHost, networkName,
        defaultMemLimitBytes, maxServiceBytes, maxMessageBytes, startTimeout, shutdownGrace,
        stopInstancesOnShutdown);
  }

  public NodeConfig withNetworkName(String name) {
    return new NodeConfig(dataDir, bindHost, port, advertisedHost, dockerHost, name,
        defaultMemLimitBytes, maxServiceBytes, maxMessageBytes, startTimeout, shutdownGrace,
        stopInstancesOnShutdown);
  }

  public NodeConfig withMaxServiceBytes(long bytes) {
    return new NodeConfig(dataDir, bindHost, port, advertisedHost, dockerHost, networkName,
        defaultMemLimitBytes, bytes, maxMessageBytes, startTimeout, shutdownGrace,
        stopInstancesOnShutdown);
  }

  public NodeConfig withStopInstancesOnShutdown(boolean stop) {
    return new NodeConfig(dataDir, bindHost, port, advertisedHost, dockerHost, networkName,
        defaultMemLimitBytes, maxServiceBytes, maxMessageBytes, startTimeout, shutdownGrace, stop);
  }
}
