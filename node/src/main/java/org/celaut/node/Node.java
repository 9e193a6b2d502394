package org.celaut.node;

import io.grpc.ServerInterceptors;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import org.celaut.node.admin.AdminService;
import org.celaut.node.calls.BoundedPool;
import org.celaut.node.calls.CallAdmission;
import org.celaut.node.calls.CallSlots;
import org.celaut.node.config.NodeConfig;
import org.celaut.node.gateway.Gateway;
import org.celaut.node.instances.Admission;
import org.celaut.node.instances.ContainerPolicy;
import org.celaut.node.instances.InstanceManager;
import org.celaut.node.instances.Tokens;
import org.celaut.node.registry.ServiceRegistry;
import org.celaut.node.runtime.ContainerRuntime;
import org.celaut.node.runtime.NodeNetwork;
import org.celaut.node.runtime.RuntimeFailure;
import org.celaut.node.runtime.docker.DockerRuntime;
import org.celaut.node.runtime.docker.DockerRuntimeConfig;
import org.celaut.node.storage.DataDirectory;
import org.celaut.node.storage.ServiceUseStore;
import org.celaut.node.storage.StorageCollector;
import org.celaut.node.store.Database;
import org.celaut.node.store.InstanceStore;
import org.celaut.node.store.NodeMeta;
import org.celaut.node.store.StoreException;
import org.celaut.proto.celaut.ArchitectureResources;
import org.celaut.proto.celaut.Peer;
import org.celaut.proto.celaut.Service;
import org.celaut.proto.celaut.Sysresources;
import org.celaut.protocol.FileTrees;
import org.celaut.protocol.bee.DecoderLimits;
import org.celaut.protocol.blocks.FileBlockStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Celaut node: the gateway on its port(s), the registry, the database and the container
 * runtime, wired together. {@link #start} brings it up (reconciling with whatever a previous run
 * left behind); {@link #close} takes it down gracefully.
 */
public final class Node implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Node.class);
  /** Threads for gRPC's own callbacks; they never block on Docker or on a caller. */
  private static final int TRANSPORT_THREADS = 16;
  /** How long an idle pool thread lives. */
  private static final Duration POOL_KEEP_ALIVE = Duration.ofSeconds(60);

  private final NodeConfig config;
  private final String nodeId;
  private final int port;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final Database db;
  private final ContainerRuntime runtime;
  private final ServiceRegistry registry;
  private final InstanceManager instances;
  private final ExecutorService workers;
  private final ExecutorService transport;
  private final GatewayListeners listeners;
  private final NodeNetwork network;
  private final StorageCollector storage;
  private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

  private Node(NodeConfig config, String nodeId, int port, FileChannel lockChannel, FileLock lock,
      Database db, ContainerRuntime runtime, ServiceRegistry registry, InstanceManager instances,
      ExecutorService workers, ExecutorService transport, GatewayListeners listeners, NodeNetwork network,
      StorageCollector storage) {
    this.storage = storage;
    this.config = config;
    this.nodeId = nodeId;
    this.port = port;
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.db = db;
    this.runtime = runtime;
    this.registry = registry;
    this.instances = instances;
    this.workers = workers;
    this.transport = transport;
    this.listeners = listeners;
    this.network = network;
  }

  /**
   * Starts a node on {@code config}. It listens first, so a port in use or a bind host that is not
   * this machine's fails before anything else is made (no Docker network is left behind); until
   * it has reconciled with the engine it answers every call UNAVAILABLE ("the node is starting").
   *
   * @throws NodeStartException with a message saying what to fix (data directory in use, Docker
   *     engine unreachable, port taken, ...)
   */
  public static Node start(NodeConfig config, Clock clock) throws NodeStartException {
    List<AutoCloseable> opened = new ArrayList<>();
    try {
      DataDirectory data = DataDirectory.open(config.dataDir()); // 0700, its files 0600
      Path dataDir = data.root();
      FileChannel lockChannel = FileChannel.open(data.privateFile("node.lock"), StandardOpenOption.WRITE);
      opened.add(lockChannel);
      FileLock lock;
      try {
        lock = lockChannel.tryLock();
      } catch (java.nio.channels.OverlappingFileLockException sameProcess) {
        lock = null; // a node in this very JVM holds it: the same answer as for another process
      }
      if (lock == null) {
        throw new NodeStartException("another node is already running on data directory " + dataDir);
      }
      // gRPC runs its callbacks (frames in, readiness, cancellation) here; they are short, and
      // a few threads serve any number of calls.
      ExecutorService transport = BoundedPool.create("gateway-transport", TRANSPORT_THREADS, POOL_KEEP_ALIVE);
      opened.add(transport::shutdownNow);
      GatewayListeners listeners = GatewayListeners.bind(config.bindHost(), config.port(), transport);
      opened.add(listeners::shutdownNow);
      int port = listeners.port();

      Database db = Database.open(data.privateFile("node.db"));
      opened.add(db);
      String nodeId = new NodeMeta(db).getOrCreate("node_id", () -> new Tokens(new SecureRandom()).newInstanceId());

      // What a previous run left half-written: spooled bodies, blocks cut off mid-upload (the
      // registry removes its own temporary directories when it opens). Nobody else writes here:
      // this process holds the data directory's lock.
      Path spool = dataDir.resolve("spool");
      FileTrees.delete(spool);
      data.privateDirectory("spool");
      FileBlockStore blocks = new FileBlockStore(data.privateDirectory("blocks"));
      int pendingBlocks = blocks.removePending();
      if (pendingBlocks > 0) {
        log.info("removed unfinished blocks count={} dir={}", pendingBlocks, blocks.directory());
      }
      ServiceRegistry registry = new ServiceRegistry(data.privateDirectory("services"), blocks);

      ContainerRuntime runtime = DockerRuntime.connect(DockerRuntimeConfig.defaults(nodeId).withDockerHost(config.dockerHost()).withStartTimeout(config.startTimeout())
          .withLogRotation(config.containerLogMaxBytes(), config.containerLogFiles()));
      opened.add(runtime);
      String networkName = config.networkName().isEmpty() ? "celaut-" + nodeId : config.networkName();
      NodeNetwork network = runtime.ensureNetwork(networkName);
      if (!config.bindHost().equals("0.0.0.0") && !config.bindHost().equals(network.gatewayIp())) {
        listeners.alsoListenOn(network.gatewayIp(), "the node network's gateway, where instances reach the node");
      }

      InstanceStore instanceStore = new InstanceStore(db);
      InstanceManager instances = new InstanceManager(runtime, registry, instanceStore,
          new Tokens(new SecureRandom()), clock,
          new InstanceManager.Settings(nodeId, network, port, config.advertisedHost(), config.defaultMemLimitBytes(),
              new Admission.Limits(config.maxChildDepth(), config.maxChildrenPerInstance(), config.maxTotalMemBytes()),
              config.startTimeout(), config.readyTimeout(),
              ContainerPolicy.of(config.defaultCpus(), config.pidsLimit(), config.containerCapabilities())));
      InstanceManager.ReconcileReport rec = instances.reconcile();
      log.info("reconciled adopted={} containers_removed={} instances_ended={} descendants_stopped={}",
          rec.adopted(), rec.containersRemoved(), rec.instancesEnded(), rec.descendantsStopped());
      StorageCollector storage = new StorageCollector(registry, blocks, spool, runtime, new ServiceUseStore(db),
          clock, config.diskBudgetBytes());
      opened.add(storage);
      storage.startBackground(StorageCollector.PERIOD);

      // Never more handler threads than calls admitted: a flood of stalled streams is refused
      // by the slots instead of taking a thread each.
      CallSlots slots = new CallSlots(new CallAdmission.Limits(config.maxConcurrentCalls(), config.maxCallsPerCaller()));
      ExecutorService workers = BoundedPool.create("gateway-call", config.maxConcurrentCalls(), POOL_KEEP_ALIVE);
      opened.add(workers::shutdownNow);
      Gateway gateway = new Gateway(registry, instances, () -> self(config, port, clock),
          config.maxRecursionHops(), config.inputTimeout(), storage);
      DecoderLimits limits = new DecoderLimits(config.maxMessageBytes(), config.maxServiceBytes());
      listeners.serve(List.of(
          gateway.service(workers, slots, spool, blocks, limits, config.inputTimeout()).definition(),
          ServerInterceptors.intercept(new AdminService(instanceStore, registry, instances, storage).definition(), slots.interceptor())));
      log.info("node started node={} gateway={}:{} network={} instance_gateway={}:{} data_dir={}"
              + " max_concurrent_calls={} max_calls_per_caller={}",
          nodeId, config.bindHost(), port, network.name(), network.gatewayIp(), port, dataDir,
          config.maxConcurrentCalls(), config.maxCallsPerCaller());
      return new Node(config, nodeId, port, lockChannel, lock, db, runtime, registry, instances,
          workers, transport, listeners, network, storage);
    } catch (NodeStartException e) {
      closeAll(opened);
      throw e;
    } catch (RuntimeFailure e) {
      closeAll(opened);
      throw new NodeStartException(e.getMessage(), e);
    } catch (StoreException | IOException | RuntimeException e) {
      closeAll(opened);
      throw new NodeStartException("the node could not start: " + e.getMessage(), e);
    }
  }

  /** The node's id (labels, network name). */
  public String nodeId() {
    return nodeId;
  }

  /** The gateway port. */
  public int port() {
    return port;
  }

  /** Where clients reach the gateway. */
  public InetSocketAddress address() {
    return new InetSocketAddress(config.advertisedHost(), port);
  }

  /** The node's container network. */
  public NodeNetwork network() {
    return network;
  }

  /** The instance lifecycle (for tools and tests in the same process). */
  public InstanceManager instances() {
    return instances;
  }

  /** The service registry (for tools and tests in the same process). */
  public ServiceRegistry registry() {
    return registry;
  }

  /** The disk garbage collector (for tools and tests in the same process). */
  public StorageCollector storage() {
    return storage;
  }

  /** Blocks until the gateway stops. */
  public void awaitTermination() throws InterruptedException {
    listeners.awaitTermination();
  }

  /**
   * Stops taking calls, gives in-flight calls {@code shutdownGrace}, optionally stops every
   * instance, and releases the database and the data directory.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    listeners.shutdown();
    long deadline = System.nanoTime() + config.shutdownGrace().toNanos();
    try {
      if (!listeners.awaitTermination(deadline)) {
        listeners.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      listeners.shutdownNow();
    }
    workers.shutdownNow();
    transport.shutdownNow();
    storage.close();
    if (config.stopInstancesOnShutdown()) {
      try {
        instances.stopAll("the node shut down");
      } catch (StoreException e) {
        log.warn("could not stop instances at shutdown: {}", e.getMessage());
      }
    }
    runtime.close();
    db.close();
    try {
      lock.release();
      lockChannel.close();
    } catch (IOException ignored) {
      // The OS releases the lock with the process anyway.
    }
    log.info("node stopped node={}", nodeId);
  }

  private static Peer self(NodeConfig config, int port, Clock clock) {
    long memBytes = Math.min(config.maxTotalMemBytes(), NodeConfig.physicalMemoryBytes());
    long cores = Runtime.getRuntime().availableProcessors();
    return Peer.newBuilder()
        .addUri(Peer.Uri.newBuilder()
            .setIp(config.advertisedHost())
            .setPort(port)
            .setTransport(Peer.Uri.Protocol.newBuilder().addTags("tcp"))
            .addProtocolStack(Peer.Uri.Protocol.newBuilder().addTags("grpc")))
        .addResources(ArchitectureResources.newBuilder()
            .setArchitecture(Service.Container.Architecture.newBuilder().addTags("linux/amd64"))
            .setResources(Sysresources.newBuilder()
                .setMemLimit(memBytes)
                .setCpuPeriod(100_000)
                .setCpuQuota(cores * 100_000)))
        .setTs(clock.instant().getEpochSecond())
        .build();
  }

  private static void closeAll(List<AutoCloseable> opened) {
    for (int i = opened.size() - 1; i >= 0; i--) {
      try {
        opened.get(i).close();
      } catch (Exception ignored) {
        // Startup already failed; report that, not this.
      }
    }
  }

}
