package org.celaut.node.instances;

import java.io.IOException;
import java.net.SocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.celaut.node.registry.ServiceRegistry;
import org.celaut.node.registry.StoredService;
import org.celaut.node.runtime.ContainerLabels;
import org.celaut.node.runtime.ContainerRuntime;
import org.celaut.node.runtime.ContainerSpec;
import org.celaut.node.runtime.FilesystemTar;
import org.celaut.node.runtime.ImageSource;
import org.celaut.node.runtime.NodeNetwork;
import org.celaut.node.runtime.OwnedContainer;
import org.celaut.node.runtime.RuntimeFailure;
import org.celaut.node.runtime.StartedContainer;
import org.celaut.node.store.InstanceRecord;
import org.celaut.node.store.InstanceState;
import org.celaut.node.store.InstanceStore;
import org.celaut.node.store.NewInstance;
import org.celaut.node.store.StoreException;
import org.celaut.proto.celaut.ConfigurationFile;
import org.celaut.proto.celaut.Configuration;
import org.celaut.proto.celaut.Instance;
import org.celaut.proto.celaut.Service;
import org.celaut.proto.celaut.Sysresources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lifecycle of instances: launch a stored service in a container, stop it, and after a restart
 * make the database and the engine agree again.
 *
 * <p>Every launch is written to the database (STARTING) before the container exists, and the
 * container carries the instance id as a label, so whatever a crash interrupts is found and
 * cleaned by {@link #reconcile()}.
 *
 * <p>Instances form trees: an instance that calls its node to start another becomes that one's
 * parent ({@link #callerOf} tells who calls). Starts are admitted by {@link Admission} (recursion
 * loops, depth, children per instance, the memory budget) and recorded in the same step under one
 * lock, so two concurrent starts cannot both take the last place. Stopping an instance stops its
 * descendants first, children before parents, whether by token, at reconciliation or at shutdown.
 */
public final class InstanceManager {

  private static final Logger log = LoggerFactory.getLogger(InstanceManager.class);

  private final ContainerRuntime runtime;
  private final ServiceRegistry registry;
  private final InstanceStore store;
  private final Tokens tokens;
  private final Clock clock;
  private final Settings settings;
  /** Held while a start is admitted and recorded, a resource change applied, a tree marked stopping. */
  private final Object admissionLock = new Object();
  private final ReadinessProbe probe;
  /** Instances whose tree is being stopped: they may start no more children. Guarded by admissionLock. */
  private final Set<String> stopping = new HashSet<>();
  /** Containers being started whose address is not recorded yet; {@link #callerOf} waits on it. */
  private final StartingContainers starting = new StartingContainers();

  /**
   * What the manager needs to know about its node.
   *
   * @param nodeId owner label value
   * @param network the node network containers join
   * @param gatewayPort the node's gateway port, reachable at {@code network.gatewayIp()}
   * @param advertisedHost host clients reach published ports on
   * @param defaultMemLimitBytes memory for services that declare none
   * @param limits bounds on trees and on memory
   * @param attributionWait how long {@link #callerOf} waits for a container that is still
   *     starting to have its address recorded
   * @param readyTimeout how long a new instance may take to open its TCP slots
   * @param containers CPU default, pids limit and capabilities of every instance's container
   */
  public record Settings(
      String nodeId, NodeNetwork network, int gatewayPort, String advertisedHost, long defaultMemLimitBytes,
      Admission.Limits limits, Duration attributionWait, Duration readyTimeout, ContainerPolicy containers) {}

  /** Who asks for a start. */
  public sealed interface Origin {
    /**
     * A caller from outside the node: the new instance is the root of a tree.
     *
     * @param clientId the paying client, if any
     * @param treeToken the tree's id: the request's recursion guard token, or a fresh one
     */
    record Outside(Optional<String> clientId, String treeToken) implements Origin {}

    /** A live instance of this node, which becomes the new instance's parent. */
    record Child(InstanceRecord parent) implements Origin {}
  }

  /**
   * A launched instance.
   *
   * @param instanceId public id
   * @param token secret token (only returned here, never stored)
   * @param instance addresses
   */
  public record Launched(String instanceId, String token, Instance instance) {}

  /**
   * What {@link #reconcile()} did.
   *
   * @param adopted instances whose container still runs
   * @param containersRemoved containers the database did not know as running
   * @param instancesEnded instances whose container was gone
   * @param descendantsStopped live instances stopped because an ancestor had ended
   */
  public record ReconcileReport(int adopted, int containersRemoved, int instancesEnded, int descendantsStopped) {}

  public InstanceManager(
      ContainerRuntime runtime, ServiceRegistry registry, InstanceStore store, Tokens tokens,
      Clock clock, Settings settings) {
    this(runtime, registry, store, tokens, clock, settings, ReadinessProbe.tcp());
  }

  /** As above, with the probe that tells when a new instance's TCP slots are open. */
  public InstanceManager(
      ContainerRuntime runtime, ServiceRegistry registry, InstanceStore store, Tokens tokens,
      Clock clock, Settings settings, ReadinessProbe probe) {
    this.probe = probe;
    this.runtime = runtime;
    this.registry = registry;
    this.store = store;
    this.tokens = tokens;
    this.clock = clock;
    this.settings = settings;
  }

  /** A fresh tree token for a start from outside that carried no recursion guard. */
  public String newTreeToken() {
    return tokens.newToken();
  }

  /** Launches a stored service for a caller from outside, as the root of a new tree. */
  public Launched start(String serviceIdHex, Configuration config, Optional<String> clientId)
      throws LaunchRefusedException, RuntimeFailure, StoreException, IOException {
    return start(serviceIdHex, config, new Origin.Outside(clientId, newTreeToken()));
  }

  /**
   * Launches a stored service.
   *
   * @throws LaunchRefusedException the service cannot run here as declared, or {@link Admission}
   *     refuses the start (nothing was created)
   * @throws RuntimeFailure the engine failed; the instance is recorded FAILED, no container left
   */
  public Launched start(String serviceIdHex, Configuration config, Origin origin)
      throws LaunchRefusedException, RuntimeFailure, StoreException, IOException {
    StoredService stored = registry.get(serviceIdHex)
        .orElseThrow(() -> new LaunchRefusedException("service " + serviceIdHex + " is not on this node"));
    Service service = stored.service();
    LaunchPlan plan = LaunchPlan.of(service, config, settings.defaultMemLimitBytes(), settings.containers());
    Sysresources init = plan.initialResources();

    String id = tokens.newInstanceId();
    String token = tokens.newToken();
    Admission admission = admitAndRecord(id, token, stored, origin, init);

    String imageRef;
    try {
      imageRef = runtime.ensureImage(new ImageSource(serviceIdHex,
          out -> FilesystemTar.write(service.getContainer().getFilesystem(), registry.blocks(), out)));
    } catch (RuntimeFailure | RuntimeException e) {
      store.markEnded(id, InstanceState.FAILED, e.getMessage(), clock.millis());
      throw e;
    }

    ConfigurationFile configFile = ConfigurationFile.newBuilder()
        .setGateway(gatewayAsSeenFromInside())
        .setConfig(config)
        .setInitialSysresources(init)
        .build();
    Map<String, String> labels = Map.of(
        ContainerLabels.NODE, settings.nodeId(),
        ContainerLabels.INSTANCE, id,
        ContainerLabels.SERVICE, serviceIdHex);
    ContainerSpec spec = new ContainerSpec(
        ContainerSpec.nameFor(id),
        imageRef,
        plan.entrypoint(),
        plan.environment(),
        plan.configPath(),
        configFile.toByteArray(),
        init.getMemLimit(),
        init.getCpuPeriod(),
        init.getCpuQuota(),
        settings.containers().pidsLimit(),
        settings.containers().capabilities(),
        plan.ports(),
        settings.network().name(),
        settings.advertisedHost(),
        labels);
    StartedContainer started;
    Launched launched;
    starting.begin();
    try {
      try {
        started = runtime.start(spec);
      } catch (RuntimeFailure | RuntimeException e) {
        store.markEnded(id, InstanceState.FAILED, e.getMessage(), clock.millis());
        throw e;
      }
      Instance instance = addresses(service, started);
      try {
        store.markRunning(id, started.containerId(), started.networkIp(), instance.toByteArray());
      } catch (StoreException e) {
        // Without a record nobody could stop it: take the container down again.
        removeQuietly(started.containerId());
        Optional<InstanceRecord> now = store.findById(id);
        if (now.isPresent() && !now.get().alive()) {
          // Its parent's tree was stopped while it started.
          throw new LaunchRefusedException(LaunchRefusedException.Kind.FORBIDDEN,
              "the instance was stopped while it started: " + now.get().endReason());
        }
        throw e;
      }
      log.info("instance started instance={} service={} container={} parent={} depth={} ip={}", id,
          serviceIdHex, started.containerId(), admission.parentId().orElse("-"), admission.depth(),
          started.networkIp());
      launched = new Launched(id, token, instance);
    } finally {
      starting.end();
    }
    awaitReady(launched, started, plan.ports());
    return launched;
  }

  /**
   * Answers a start only once the instance can be used: every TCP slot accepts connections on
   * the container's own address. A service that never opens its port (or exits first) fails the
   * start with its last output, and its container is removed, so a caller never gets addresses
   * that lead nowhere.
   */
  private void awaitReady(Launched launched, StartedContainer started, List<ContainerSpec.PortSpec> ports)
      throws RuntimeFailure, StoreException {
    String ip = started.networkIp();
    java.util.Set<Integer> waiting = new java.util.TreeSet<>();
    for (ContainerSpec.PortSpec p : ports) {
      if (p.transport() == ContainerSpec.Transport.TCP) {
        waiting.add(p.port());
      }
    }
    if (waiting.isEmpty() || ip == null || ip.isEmpty()) {
      return; // nothing we can probe: UDP only, or no address on the node network
    }
    long deadline = clock.millis() + settings.readyTimeout().toMillis();
    String why = null;
    for (int round = 0; ; round++) {
      waiting.removeIf(port -> probe.accepts(ip, port, Duration.ofMillis(250)));
      if (waiting.isEmpty()) {
        return;
      }
      if (clock.millis() >= deadline) {
        why = "did not open port(s) " + waiting + " within " + settings.readyTimeout().toSeconds()
            + " s (ready-timeout-seconds)";
        break;
      }
      if (round % 25 == 24) { // about twice a second: has it died meanwhile?
        Optional<org.celaut.node.runtime.ContainerState> state = runtime.inspect(started.containerId());
        if (state.isEmpty() || !state.get().running()) {
          why = "exited (code " + state.map(org.celaut.node.runtime.ContainerState::exitCode).orElse(-1)
              + ") before opening port(s) " + waiting;
          break;
        }
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        why = "was interrupted while waiting for port(s) " + waiting;
        break;
      }
    }
    String output;
    try {
      output = runtime.logs(started.containerId(), 10).strip();
    } catch (RuntimeFailure e) {
      output = "(unavailable: " + e.getMessage() + ")";
    }
    stop(launched.token(), "it " + why);
    throw new RuntimeFailure(RuntimeFailure.Kind.SERVICE_INVALID, "the service " + why
        + "; its container was removed. Its last output: " + (output.isEmpty() ? "(none)" : output));
  }

  /** Decides the start and writes its STARTING row in one step, so limits hold under concurrency. */
  private Admission admitAndRecord(String id, String token, StoredService stored, Origin origin, Sysresources init)
      throws LaunchRefusedException, StoreException, IOException {
    String serviceId = stored.idHex();
    synchronized (admissionLock) {
      Optional<Admission.Caller> caller = Optional.empty();
      String outsideTree;
      Optional<String> clientId;
      if (origin instanceof Origin.Child child) {
        List<InstanceRecord> lineage = store.lineage(child.parent().id());
        InstanceRecord parent = lineage.isEmpty() ? null : lineage.get(lineage.size() - 1);
        if (parent == null || !parent.alive() || stopping.contains(parent.id())) {
          throw new LaunchRefusedException(LaunchRefusedException.Kind.FORBIDDEN,
              "the calling instance " + child.parent().id() + " is being stopped or has ended");
        }
        List<Admission.Link> links = new ArrayList<>();
        for (InstanceRecord r : lineage) {
          links.add(new Admission.Link(r.id(), r.serviceId(), labelOf(r.serviceId())));
        }
        caller = Optional.of(new Admission.Caller(parent.id(), parent.depth(), parent.treeToken(), links,
            store.listAliveChildren(parent.id()).size()));
        outsideTree = newTreeToken();
        clientId = Optional.empty();
      } else {
        Origin.Outside outside = (Origin.Outside) origin;
        outsideTree = outside.treeToken();
        clientId = outside.clientId();
      }
      InstanceStore.MemoryInUse inUse = store.aliveMemory(settings.defaultMemLimitBytes());
      Admission a = Admission.decide(new Admission.Request(serviceId,
          Admission.label(stored.tag(), serviceId), caller, outsideTree, init.getMemLimit(), inUse.bytes(),
          inUse.instances()), settings.limits());
      store.insertStarting(new NewInstance(id, Tokens.digest(token), serviceId, a.parentId(), clientId,
          a.depth(), init.getMemLimit(), init.getCpuPeriod(), init.getCpuQuota(), a.treeToken(), clock.millis()));
      return a;
    }
  }

  private String labelOf(String serviceId) throws IOException {
    Optional<StoredService> s = registry.get(serviceId);
    return Admission.label(s.map(StoredService::tag).orElse(""), serviceId);
  }

  /**
   * The live instance of this node a call comes from, known by the call's source address on the
   * node network; empty for any other caller. A call from a container whose start is still being
   * recorded waits (at most {@code attributionWait}) for its address to be known, so a service
   * that calls its node the moment it starts is still recognised as itself.
   */
  public Optional<InstanceRecord> callerOf(SocketAddress remote) throws StoreException {
    Optional<String> ip = Attribution.ipOf(remote);
    if (ip.isEmpty() || ip.get().equals(settings.network().gatewayIp())
        || !Attribution.inSubnet(ip.get(), settings.network().subnet())) {
      return Optional.empty();
    }
    long deadline = System.nanoTime() + settings.attributionWait().toNanos();
    while (true) {
      // Read before the lookup: a caller's own start began before it could call, so if none is
      // running now, its address is already recorded and one lookup settles it.
      boolean anyStarting = starting.any();
      Optional<InstanceRecord> found = Attribution.of(remote, store.listAliveByNetworkIp(ip.get()));
      if (found.isPresent() || !anyStarting || System.nanoTime() - deadline >= 0) {
        return found;
      }
      try {
        starting.awaitOneDone(deadline);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      }
    }
  }

  /** True if {@code remote} is on the node network, where only instances (and the node) are. */
  public boolean onNodeNetwork(SocketAddress remote) {
    Optional<String> ip = Attribution.ipOf(remote);
    return ip.isPresent() && Attribution.inSubnet(ip.get(), settings.network().subnet());
  }

  /**
   * Changes the resources of a live instance, at its own request: bounded by its service's
   * declared {@code resources.at_most} and by the node's memory budget, applied to its running
   * container and recorded. Returns the resources now in force.
   */
  public Sysresources modifyResources(InstanceRecord caller, Sysresources asked)
      throws ResourceChangeRefusedException, RuntimeFailure, StoreException, IOException {
    Optional<StoredService> stored = registry.get(caller.serviceId());
    // A service that is no longer stored declares nothing: only the node's budget bounds it.
    Service.Container.Resources declared = stored.isPresent()
        ? stored.get().service().getContainer().getResources()
        : Service.Container.Resources.getDefaultInstance();
    synchronized (admissionLock) {
      InstanceRecord now = store.findById(caller.id()).filter(InstanceRecord::alive)
          .filter(r -> r.containerId().isPresent() && !stopping.contains(r.id()))
          .orElseThrow(() -> new ResourceChangeRefusedException(ResourceChangeRefusedException.Kind.BAD_REQUEST,
              "instance " + caller.id() + " is not running any more"));
      ResourceChange.Limits current = new ResourceChange.Limits(
          now.memLimitBytes() > 0 ? now.memLimitBytes() : settings.defaultMemLimitBytes(),
          now.cpuPeriodMicros(), now.cpuQuotaMicros());
      InstanceStore.MemoryInUse inUse = store.aliveMemory(settings.defaultMemLimitBytes());
      ResourceChange.Limits next = ResourceChange.decide(current, asked, declared.getAtInit(),
          declared.getAtMost(), inUse.bytes() - current.memLimitBytes(), inUse.instances() - 1,
          settings.limits().maxTotalMemBytes());
      if (!next.equals(current)) {
        runtime.update(now.containerId().get(), next.memLimitBytes(), next.cpuPeriodMicros(), next.cpuQuotaMicros());
        store.updateResources(now.id(), next.memLimitBytes(), next.cpuPeriodMicros(), next.cpuQuotaMicros());
        log.info("instance resources changed instance={} mem_limit_bytes={} cpu_period={} cpu_quota={}",
            now.id(), next.memLimitBytes(), next.cpuPeriodMicros(), next.cpuQuotaMicros());
      }
      return next.toSysresources();
    }
  }

  /**
   * Stops the instance holding {@code token} and, first, every live instance below it (children
   * before parents): removes their containers and records their ends. Says whether it was live,
   * had already ended, or is unknown here.
   */
  public StopOutcome stop(String token, String reason) throws StoreException, RuntimeFailure {
    String digest = Tokens.digest(token);
    return stop(() -> store.findByTokenSha256(digest), reason);
  }

  /** As {@link #stop(String, String)}, for the instance with public id {@code instanceId} (the maintainer's stop). */
  public StopOutcome stopById(String instanceId, String reason) throws StoreException, RuntimeFailure {
    return stop(() -> store.findById(instanceId), reason);
  }

  /** Reads one instance's record. */
  private interface Lookup {
    Optional<InstanceRecord> find() throws StoreException;
  }

  /**
   * Stops the instance {@code lookup} finds. Two stops of one instance at once do not both claim
   * it: the one that finds it already being stopped waits for that stop to end and then reports
   * what it did (ended, or, if the engine failed it, tries again itself).
   */
  private StopOutcome stop(Lookup lookup, String reason) throws StoreException, RuntimeFailure {
    while (true) {
      Optional<InstanceRecord> rec = lookup.find();
      if (rec.isEmpty()) {
        return new StopOutcome.Unknown();
      }
      if (!rec.get().alive()) {
        return new StopOutcome.AlreadyEnded(rec.get());
      }
      Optional<List<String>> order = stopTree(rec.get(), reason, "its ancestor " + rec.get().id() + " was stopped");
      if (order.isPresent()) {
        return new StopOutcome.Stopped(rec.get(), order.get().subList(0, order.get().size() - 1));
      }
      awaitNotStopping(rec.get().id());
    }
  }

  private void awaitNotStopping(String id) throws StoreException {
    synchronized (admissionLock) {
      while (stopping.contains(id)) {
        try {
          admissionLock.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new StoreException("interrupted while instance " + id + " was being stopped by another call", e);
        }
      }
    }
  }

  /**
   * Stops {@code root} and its live descendants, children first, and returns their ids in that
   * order ({@code root} last); empty, doing nothing, if another call is already stopping {@code
   * root}. Every one is attempted; the first engine failure is thrown at the end (those left alive
   * can be stopped again).
   */
  private Optional<List<String>> stopTree(InstanceRecord root, String reason, String descendantReason)
      throws StoreException, RuntimeFailure {
    List<String> order;
    Map<String, InstanceRecord> byId = new HashMap<>();
    synchronized (admissionLock) {
      if (stopping.contains(root.id())) {
        return Optional.empty();
      }
      // Marked under the lock: a child admitted from now on would find its parent stopping.
      List<InstanceRecord> alive = store.listAlive();
      for (InstanceRecord r : alive) {
        byId.put(r.id(), r);
      }
      byId.putIfAbsent(root.id(), root);
      order = InstanceTree.stopOrder(root.id(), InstanceTree.parentMap(alive));
      stopping.addAll(order);
    }
    try {
      endAll(order, byId, root.id(), reason, descendantReason);
    } finally {
      synchronized (admissionLock) {
        order.forEach(stopping::remove);
        admissionLock.notifyAll();
      }
    }
    return Optional.of(order);
  }

  private void endAll(List<String> order, Map<String, InstanceRecord> byId, String rootId, String reason,
      String descendantReason) throws StoreException, RuntimeFailure {
    RuntimeFailure first = null;
    for (String id : order) {
      try {
        end(byId.get(id), id.equals(rootId) ? reason : descendantReason);
      } catch (RuntimeFailure e) {
        log.warn("could not stop instance={}: {}", id, e.getMessage());
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /** The live instance holding {@code token}. */
  public InstanceRecord running(String token) throws StoreException, InstanceNotFoundException {
    Optional<InstanceRecord> rec = store.findByTokenSha256(Tokens.digest(token));
    if (rec.isEmpty() || !rec.get().alive()) {
      throw new InstanceNotFoundException("no running instance on this node has that token");
    }
    return rec.get();
  }

  /** Live instances, oldest first. */
  public List<InstanceRecord> alive() throws StoreException {
    return store.listAlive();
  }

  /**
   * Stops every live instance, children before their parents (node shutdown with
   * stop-instances-on-shutdown).
   */
  public void stopAll(String reason) throws StoreException {
    List<InstanceRecord> alive = store.listAlive();
    Map<String, InstanceRecord> byId = new HashMap<>();
    alive.forEach(r -> byId.put(r.id(), r));
    for (String id : InstanceTree.stopOrderAll(InstanceTree.parentMap(alive))) {
      try {
        end(byId.get(id), reason);
      } catch (RuntimeFailure e) {
        log.warn("could not stop instance={} at shutdown: {}", id, e.getMessage());
      }
    }
  }

  /**
   * Makes the engine and the database agree, as {@link Reconciliation} decides: running instances
   * whose container still runs are adopted; every other container labelled as ours is removed;
   * the other live instances are ended with a reason that says what happened to them; live
   * instances whose parent has ended are stopped with their descendants.
   */
  public ReconcileReport reconcile() throws StoreException, RuntimeFailure {
    List<OwnedContainer> owned = runtime.listOwned(settings.nodeId());
    Map<String, Integer> exitCodes = new HashMap<>();
    for (OwnedContainer c : owned) {
      if (!c.running()) {
        // Only the engine knows how it ended; the end reason says it.
        runtime.inspect(c.containerId()).ifPresent(st -> exitCodes.put(c.containerId(), st.exitCode()));
      }
    }
    Reconciliation plan = Reconciliation.plan(store.listAlive(), owned, exitCodes);
    for (String containerId : plan.remove()) {
      runtime.remove(containerId);
      log.info("removed stray container={}", containerId);
    }
    int ended = 0;
    for (Map.Entry<String, String> e : plan.end().entrySet()) {
      if (store.markEnded(e.getKey(), InstanceState.ENDED, e.getValue(), clock.millis())) {
        ended++;
        log.info("instance ended at start instance={} reason={}", e.getKey(), e.getValue());
      }
    }
    int adopted = plan.adopt().size();
    int removed = plan.remove().size();
    int orphaned = 0;
    List<InstanceRecord> stillAlive = store.listAlive();
    Map<String, String> parents = InstanceTree.parentMap(stillAlive);
    Map<String, InstanceRecord> byId = new HashMap<>();
    stillAlive.forEach(r -> byId.put(r.id(), r));
    for (String top : InstanceTree.orphans(parents)) {
      List<String> order = InstanceTree.stopOrder(top, parents);
      String why = "its parent " + byId.get(top).parentId().orElse("?") + " had ended when the node started";
      try {
        endAll(order, byId, top, why, why);
      } catch (RuntimeFailure e) {
        log.warn("could not stop the descendants of ended instance {}: {}", byId.get(top).parentId().orElse("?"),
            e.getMessage());
      }
      orphaned += order.size();
    }
    return new ReconcileReport(adopted, removed, ended, orphaned);
  }

  private InstanceRecord end(InstanceRecord rec, String reason) throws StoreException, RuntimeFailure {
    if (rec.containerId().isPresent()) {
      runtime.remove(rec.containerId().get());
    }
    store.markEnded(rec.id(), InstanceState.ENDED, reason, clock.millis());
    log.info("instance stopped instance={} service={} reason={}", rec.id(), rec.serviceId(), reason);
    return rec;
  }

  private void removeQuietly(String containerId) {
    try {
      runtime.remove(containerId);
    } catch (RuntimeFailure e) {
      log.warn("could not remove container={}: {}", containerId, e.getMessage());
    }
  }

  /** The node's gateway as an instance sees it: on the node network, at the gateway port. */
  private Instance gatewayAsSeenFromInside() {
    int port = settings.gatewayPort();
    return Instance.newBuilder()
        .setApi(Service.Api.newBuilder().addSlot(Service.Api.Slot.newBuilder()
            .setPort(port)
            .setTransport(Service.Api.Protocol.newBuilder().addTags("tcp"))
            .addProtocolStack(Service.Api.Protocol.newBuilder().addTags("grpc"))))
        .addUriSlot(Instance.Uri_Slot.newBuilder()
            .setInternalPort(port)
            .addUri(Instance.Uri.newBuilder().setIp(settings.network().gatewayIp()).setPort(port)))
        .build();
  }

  /**
   * Addresses of a started instance: first the port published on the advertised host (reachable
   * from outside), then the container's own address on the node network (for siblings).
   */
  private Instance addresses(Service service, StartedContainer started) {
    Instance.Builder b = Instance.newBuilder().setApi(service.getApi());
    for (Service.Api.Slot slot : service.getApi().getSlotList()) {
      Instance.Uri_Slot.Builder us = Instance.Uri_Slot.newBuilder().setInternalPort(slot.getPort());
      Integer published = started.publishedPorts().get(slot.getPort());
      if (published != null) {
        us.addUri(Instance.Uri.newBuilder().setIp(settings.advertisedHost()).setPort(published));
      }
      if (started.networkIp() != null && !started.networkIp().isEmpty()) {
        us.addUri(Instance.Uri.newBuilder().setIp(started.networkIp()).setPort(slot.getPort()));
      }
      b.addUriSlot(us);
    }
    return b.build();
  }

  /** How many containers are being started; wakes waiters whenever one finishes. */
  private static final class StartingContainers {
    private int count;

    synchronized void begin() {
      count++;
    }

    synchronized void end() {
      count--;
      notifyAll();
    }

    synchronized boolean any() {
      return count > 0;
    }

    /** Waits until a start finishes, none is running, or the deadline ({@link System#nanoTime()}) passes. */
    synchronized void awaitOneDone(long deadlineNanos) throws InterruptedException {
      long left = deadlineNanos - System.nanoTime();
      if (count > 0 && left > 0) {
        wait(Math.max(1, left / 1_000_000));
      }
    }
  }
}
