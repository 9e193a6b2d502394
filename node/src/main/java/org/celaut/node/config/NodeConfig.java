package org.celaut.node.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.celaut.node.instances.ContainerPolicy;
import org.celaut.node.runtime.ContainerCapabilities;
import org.celaut.node.runtime.docker.DockerRuntimeConfig;

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
 * @param readyTimeout how long a new instance may take to open its TCP slots before the start
 *     fails and its container is removed
 * @param pidsLimit most processes and threads one instance's container may hold at once
 * @param defaultCpus cores an instance gets when its service declares no CPU quota
 * @param containerLogMaxBytes size at which an instance's output log is rotated
 * @param containerLogFiles how many rotated log files an instance keeps (current one included)
 * @param containerCapabilities Linux capabilities every instance keeps; all others are dropped
 * @param diskBudgetBytes most disk the node's stored services, blocks and images may take before
 *     the least recently used ones without a live instance are removed; 0 = no budget
 * @param maxConcurrentCalls most calls (Gateway and admin) the node handles at once; beyond it a
 *     call is refused with RESOURCE_EXHAUSTED
 * @param maxCallsPerCaller most calls one caller (one source address; a local instance's is its
 *     address on the node network) may have in progress at once
 * @param inputTimeout how long a caller may pause in the middle of its request, or leave the
 *     node's answer unread, before the call is ended and its place freed
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
    int maxRecursionHops,
    Duration readyTimeout,
    long pidsLimit,
    double defaultCpus,
    long containerLogMaxBytes,
    int containerLogFiles,
    Set<String> containerCapabilities,
    long diskBudgetBytes,
    int maxConcurrentCalls,
    int maxCallsPerCaller,
    Duration inputTimeout) {

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
  public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(60);
  public static final long DEFAULT_PIDS_LIMIT = ContainerPolicy.DEFAULT_PIDS_LIMIT;
  public static final double DEFAULT_CPUS = ContainerPolicy.DEFAULT_CPUS;
  public static final long DEFAULT_CONTAINER_LOG_MAX_BYTES = DockerRuntimeConfig.DEFAULT_LOG_MAX_BYTES;
  public static final int DEFAULT_CONTAINER_LOG_FILES = DockerRuntimeConfig.DEFAULT_LOG_FILES;
  public static final Set<String> DEFAULT_CONTAINER_CAPABILITIES = ContainerCapabilities.DEFAULT_KEPT;
  /** Two services of the largest size accepted (4 GiB), each with its image. */
  public static final long DEFAULT_DISK_BUDGET_BYTES = 16L << 30;
  public static final int DEFAULT_MAX_CONCURRENT_CALLS = 256;
  /**
   * Above 50: every client on the node's own machine shares one source address (127.0.0.1), and
   * 50 concurrent commands from one machine is a use to serve, not an attack.
   */
  public static final int DEFAULT_MAX_CALLS_PER_CALLER = 64;
  public static final Duration DEFAULT_INPUT_TIMEOUT = Duration.ofSeconds(60);

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
    if (readyTimeout.isNegative() || readyTimeout.isZero()) {
      throw new IllegalArgumentException("the ready timeout must be positive, got " + readyTimeout);
    }
    if (maxRecursionHops < 1) {
      throw new IllegalArgumentException("max recursion hops must be at least 1, got " + maxRecursionHops);
    }
    if (pidsLimit < 1) {
      throw new IllegalArgumentException("the pids limit must be at least 1, got " + pidsLimit);
    }
    if (!(defaultCpus >= 0.01 && defaultCpus <= 1024)) {
      throw new IllegalArgumentException("default cpus must be 0.01 to 1024, got " + defaultCpus);
    }
    if (containerLogMaxBytes < 1024 || containerLogFiles < 1) {
      throw new IllegalArgumentException("container logs need at least 1 KiB and 1 file, got "
          + containerLogMaxBytes + " bytes and " + containerLogFiles + " file(s)");
    }
    containerCapabilities = ContainerCapabilities.check(containerCapabilities);
    if (diskBudgetBytes < 0) {
      throw new IllegalArgumentException("the disk budget must not be negative, got " + diskBudgetBytes);
    }
    if (maxConcurrentCalls < 1 || maxCallsPerCaller < 1) {
      throw new IllegalArgumentException("call limits must be at least 1, got max-concurrent-calls "
          + maxConcurrentCalls + ", max-calls-per-caller " + maxCallsPerCaller);
    }
    if (inputTimeout.isNegative() || inputTimeout.isZero()) {
      throw new IllegalArgumentException("the input timeout must be positive, got " + inputTimeout);
    }
  }

  /** This machine's physical memory (inside a container: its memory limit), the default budget. */
  public static long physicalMemoryBytes() {
    return ((com.sun.management.OperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
  }

  /** The configuration with every default. */
  public static NodeConfig defaults() {
    return builder().build();
  }

  /** A builder holding every default. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this configuration's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.dataDir = dataDir;
    b.bindHost = bindHost;
    b.port = port;
    b.advertisedHost = advertisedHost;
    b.dockerHost = dockerHost;
    b.networkName = networkName;
    b.defaultMemLimitBytes = defaultMemLimitBytes;
    b.maxServiceBytes = maxServiceBytes;
    b.maxMessageBytes = maxMessageBytes;
    b.startTimeout = startTimeout;
    b.shutdownGrace = shutdownGrace;
    b.stopInstancesOnShutdown = stopInstancesOnShutdown;
    b.maxChildDepth = maxChildDepth;
    b.maxChildrenPerInstance = maxChildrenPerInstance;
    b.maxTotalMemBytes = maxTotalMemBytes;
    b.maxRecursionHops = maxRecursionHops;
    b.readyTimeout = readyTimeout;
    b.pidsLimit = pidsLimit;
    b.defaultCpus = defaultCpus;
    b.containerLogMaxBytes = containerLogMaxBytes;
    b.containerLogFiles = containerLogFiles;
    b.containerCapabilities = containerCapabilities;
    b.diskBudgetBytes = diskBudgetBytes;
    b.maxConcurrentCalls = maxConcurrentCalls;
    b.maxCallsPerCaller = maxCallsPerCaller;
    b.inputTimeout = inputTimeout;
    return b;
  }

  public NodeConfig withDataDir(Path dir) {
    return toBuilder().dataDir(dir).build();
  }

  public NodeConfig withPort(int newPort) {
    return toBuilder().port(newPort).build();
  }

  public NodeConfig withNetworkName(String name) {
    return toBuilder().networkName(name).build();
  }

  public NodeConfig withMaxServiceBytes(long bytes) {
    return toBuilder().maxServiceBytes(bytes).build();
  }

  public NodeConfig withStopInstancesOnShutdown(boolean stop) {
    return toBuilder().stopInstancesOnShutdown(stop).build();
  }

  public NodeConfig withMaxChildDepth(int depth) {
    return toBuilder().maxChildDepth(depth).build();
  }

  public NodeConfig withMaxChildrenPerInstance(int children) {
    return toBuilder().maxChildrenPerInstance(children).build();
  }

  public NodeConfig withMaxTotalMemBytes(long bytes) {
    return toBuilder().maxTotalMemBytes(bytes).build();
  }

  /** Builds a {@link NodeConfig}; starts from every default, validation happens in {@link #build()}. */
  public static final class Builder {
    private Path dataDir = DEFAULT_DATA_DIR;
    private String bindHost = DEFAULT_BIND_HOST;
    private int port = DEFAULT_PORT;
    private String advertisedHost = DEFAULT_BIND_HOST;
    private String dockerHost = DEFAULT_DOCKER_HOST;
    private String networkName = "";
    private long defaultMemLimitBytes = DEFAULT_MEM_LIMIT_BYTES;
    private long maxServiceBytes = DEFAULT_MAX_SERVICE_BYTES;
    private long maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
    private Duration startTimeout = DEFAULT_START_TIMEOUT;
    private Duration shutdownGrace = DEFAULT_SHUTDOWN_GRACE;
    private boolean stopInstancesOnShutdown;
    private int maxChildDepth = DEFAULT_MAX_CHILD_DEPTH;
    private int maxChildrenPerInstance = DEFAULT_MAX_CHILDREN_PER_INSTANCE;
    private long maxTotalMemBytes = physicalMemoryBytes();
    private int maxRecursionHops = DEFAULT_MAX_RECURSION_HOPS;
    private Duration readyTimeout = DEFAULT_READY_TIMEOUT;
    private long pidsLimit = DEFAULT_PIDS_LIMIT;
    private double defaultCpus = DEFAULT_CPUS;
    private long containerLogMaxBytes = DEFAULT_CONTAINER_LOG_MAX_BYTES;
    private int containerLogFiles = DEFAULT_CONTAINER_LOG_FILES;
    private Set<String> containerCapabilities = DEFAULT_CONTAINER_CAPABILITIES;
    private long diskBudgetBytes = DEFAULT_DISK_BUDGET_BYTES;
    private int maxConcurrentCalls = DEFAULT_MAX_CONCURRENT_CALLS;
    private int maxCallsPerCaller = DEFAULT_MAX_CALLS_PER_CALLER;
    private Duration inputTimeout = DEFAULT_INPUT_TIMEOUT;

    private Builder() {}

    public Builder dataDir(Path v) { dataDir = v; return this; }
    public Builder bindHost(String v) { bindHost = v; return this; }
    public Builder port(int v) { port = v; return this; }
    public Builder advertisedHost(String v) { advertisedHost = v; return this; }
    public Builder dockerHost(String v) { dockerHost = v; return this; }
    public Builder networkName(String v) { networkName = v; return this; }
    public Builder defaultMemLimitBytes(long v) { defaultMemLimitBytes = v; return this; }
    public Builder maxServiceBytes(long v) { maxServiceBytes = v; return this; }
    public Builder maxMessageBytes(long v) { maxMessageBytes = v; return this; }
    public Builder startTimeout(Duration v) { startTimeout = v; return this; }
    public Builder shutdownGrace(Duration v) { shutdownGrace = v; return this; }
    public Builder stopInstancesOnShutdown(boolean v) { stopInstancesOnShutdown = v; return this; }
    public Builder maxChildDepth(int v) { maxChildDepth = v; return this; }
    public Builder maxChildrenPerInstance(int v) { maxChildrenPerInstance = v; return this; }
    public Builder maxTotalMemBytes(long v) { maxTotalMemBytes = v; return this; }
    public Builder maxRecursionHops(int v) { maxRecursionHops = v; return this; }
    public Builder readyTimeout(Duration v) { readyTimeout = v; return this; }
    public Builder pidsLimit(long v) { pidsLimit = v; return this; }
    public Builder defaultCpus(double v) { defaultCpus = v; return this; }
    public Builder containerLogMaxBytes(long v) { containerLogMaxBytes = v; return this; }
    public Builder containerLogFiles(int v) { containerLogFiles = v; return this; }
    public Builder containerCapabilities(Set<String> v) { containerCapabilities = v; return this; }
    public Builder diskBudgetBytes(long v) { diskBudgetBytes = v; return this; }
    public Builder maxConcurrentCalls(int v) { maxConcurrentCalls = v; return this; }
    public Builder maxCallsPerCaller(int v) { maxCallsPerCaller = v; return this; }
    public Builder inputTimeout(Duration v) { inputTimeout = v; return this; }

    /** The configuration; throws {@link IllegalArgumentException} naming a bad value. */
    public NodeConfig build() {
      return new NodeConfig(dataDir, bindHost, port, advertisedHost, dockerHost, networkName,
          defaultMemLimitBytes, maxServiceBytes, maxMessageBytes, startTimeout, shutdownGrace,
          stopInstancesOnShutdown, maxChildDepth, maxChildrenPerInstance, maxTotalMemBytes,
          maxRecursionHops, readyTimeout, pidsLimit, defaultCpus, containerLogMaxBytes,
          containerLogFiles, containerCapabilities, diskBudgetBytes, maxConcurrentCalls, maxCallsPerCaller,
          inputTimeout);
    }
  }
}
