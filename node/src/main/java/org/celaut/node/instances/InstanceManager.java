package org.celaut.node.instances;

import java.io.IOException;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
import org.celaut.node.store.StoreException;
import org.celaut.proto.celaut.ConfigurationFile;
import org.celaut.proto.celaut.Configuration;
import org.celaut.proto.celaut.Instance;
import org.celaut.proto.celaut.Service;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lifecycle of instances: launch a stored service in a container, stop it, and after a restart
 * make the database and the engine agree again.
 *
 * <p>Every launch is written to the database (STARTING) before the container exists, and the
 * container carries the instance id as a label, so whatever a crash interrupts is found and
 * cleaned by {@link #reconcile()}.
 */
public final class InstanceManager {

  private static final Logger log = LoggerFactory.getLogger(InstanceManager.class);

  private final ContainerRuntime runtime;
  private final ServiceRegistry registry;
  private final InstanceStore store;
  private final Tokens tokens;
  private final Clock clock;
  private final Settings settings;

  /**
   * What the manager needs to know about its node.
   *
   * @param nodeId owner label value
   * @param network the node network containers join
   * @param gatewayPort the node's gateway port, reachable at {@code network.gatewayIp()}
   * @param advertisedHost host clients reach published ports on
   * @param defaultMemLimitBytes memory for services that declare none
   */
  public record Settings(
      String nodeId, NodeNetwork network, int gatewayPort, String advertisedHost, long defaultMemLimitBytes) {}

  /**
   * A launched instance.
   *
   * @param instanceId public id
   * @param token secret token (only returned here, never stored)
   * @param instance addresses
   */
  public record Launched(String instanceId, String token, Instance instance) {}

  /** What {@link #reconcile()} did. */
  public record ReconcileReport(int adopted, int containersRemoved, int instancesEnded) {}

  public InstanceManager(
      ContainerRuntime runtime, ServiceRegistry registry, InstanceStore store, Tokens tokens,
      Clock clock, Settings settings) {
    this.runtime = runtime;
    this.registry = registry;
    this.store = store;
    this.tokens = tokens;
    this.clock = clock;
    this.settings = settings;
  }

  /**
   * Launches a stored service.
   *
   * @throws LaunchRefusedException the service cannot run here as declared (nothing was created)
   * @throws RuntimeFailure the engine failed; the instance is recorded FAILED, no container left
   */
  public Launched start(String serviceIdHex, Configuration config, Optional<String> clientId)
      throws LaunchRefusedException, RuntimeFailure, StoreException, IOException {
    StoredService stored = registry.get(serviceIdHex)
        .orElseThrow(() -> new LaunchRefusedException("service " + serviceIdHex + " is not on this node"));
    Service service = stored.service();
    LaunchPlan plan = LaunchPlan.of(service, config, settings.defaultMemLimitBytes());

    String imageRef = runtime.ensureImage(new ImageSource(serviceIdHex,
        out -> FilesystemTar.write(service.getContainer().getFilesystem(), registry.blocks(), out)));

    String id = tokens.newInstanceId();
    String token = tokens.newToken();
    store.insertStarting(id, Tokens.digest(token), serviceIdHex, Optional.empty(), clientId, clock.millis());

    ConfigurationFile configFile = ConfigurationFile.newBuilder()
        .setGateway(gatewayAsSeenFromInside())
        .setConfig(config)
        .setInitialSysresources(plan.initialResources())
        .build();
    Map<String, String> labels = Map.of(
        ContainerLabels.NODE, settings.nodeId(),
        ContainerLabels.INSTANCE, id,
        ContainerLabels.SERVICE, serviceIdHex);
    ContainerSpec spec = new ContainerSpec(
        imageRef,
        plan.entrypoint(),
        plan.environment(),
        plan.configPath(),
        configFile.toByteArray(),
        plan.initialResources().getMemLimit(),
        plan.initialResources().getCpuPeriod(),
        plan.initialResources().getCpuQuota(),
        plan.ports(),
        settings.network().name(),
        settings.advertisedHost(),
        labels);
    StartedContainer started;
    try {
      started = runtime.start(spec);
    } catch (RuntimeFailure | RuntimeException e) {
      store.markEnded(id, InstanceState.FAILED, e.getMessage(), clock.millis());
      throw e;
    }
    Instance instance = addresses(service, started);
    try {
      store.markRunning(id, started.containerId(), instance.toByteArray());
    } catch (StoreException e) {
      // Without a record nobody could stop it: take the container down again.
      removeQuietly(started.containerId());
      throw e;
    }
    log.info("instance started instance={} service={} container={}", id, serviceIdHex, started.containerId());
    return new Launched(id, token, instance);
  }

  /**
   * Stops the instance holding {@code token}: removes its container and records the end.
   * Returns the record as it was, or empty if no live instance has this token.
   */
  public Optional<InstanceRecord> stop(String token, String reason) throws StoreException, RuntimeFailure {
    Optional<InstanceRecord> rec = store.findByTokenSha256(Tokens.digest(token));
    if (rec.isEmpty() || !rec.get().alive()) {
      return Optional.empty();
    }
    return Optional.of(end(rec.get(), reason));
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

  /** Stops every live instance (node shutdown with stop-instances-on-shutdown). */
  public void stopAll(String reason) throws StoreException {
    for (InstanceRecord rec : store.listAlive()) {
      try {
        end(rec, reason);
      } catch (RuntimeFailure e) {
        log.warn("could not stop instance={} at shutdown: {}", rec.id(), e.getMessage());
      }
    }
  }

  /**
   * Makes the engine and the database agree: containers labelled as ours that the database does
   * not know as running are removed; running instances whose container is gone are ended.
   */
  public ReconcileReport reconcile() throws StoreException, RuntimeFailure {
    List<OwnedContainer> owned = runtime.listOwned(settings.nodeId());
    Map<String, OwnedContainer> byInstance = new HashMap<>();
    for (OwnedContainer c : owned) {
      byInstance.put(c.instanceId(), c);
    }
    Map<String, InstanceRecord> alive = new HashMap<>();
    for (InstanceRecord r : store.listAlive()) {
      alive.put(r.id(), r);
    }
    int removed = 0;
    int ended = 0;
    int adopted = 0;
    for (OwnedContainer c : owned) {
      InstanceRecord r = alive.get(c.instanceId());
      boolean keep = r != null && r.state() == InstanceState.RUNNING && c.running()
          && r.containerId().map(c.containerId()::equals).orElse(false);
      if (keep) {
        adopted++;
      } else {
        runtime.remove(c.containerId());
        removed++;
        log.info("removed stray container={} instance={}", c.containerId(), c.instanceId());
      }
    }
    for (InstanceRecord r : alive.values()) {
      OwnedContainer c = byInstance.get(r.id());
      boolean gone = c == null || !c.running() || r.state() == InstanceState.STARTING
          || !r.containerId().map(c.containerId()::equals).orElse(false);
      if (gone && store.markEnded(r.id(), InstanceState.ENDED,
          "its container was gone when the node started", clock.millis())) {
        ended++;
      }
    }
    return new ReconcileReport(adopted, removed, ended);
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
}
