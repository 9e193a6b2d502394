package org.celaut.node.gateway;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;
import org.celaut.node.calls.CallSlots;
import org.celaut.node.instances.InstanceManager;
import org.celaut.node.instances.TreesInFlight;
import org.celaut.node.registry.ServiceRegistry;
import org.celaut.node.storage.ServiceUse;
import org.celaut.proto.celaut.Peer;
import org.celaut.protocol.bee.DecoderLimits;
import org.celaut.protocol.blocks.BlockStore;

/** The node's Gateway: which handler serves which method. */
public final class Gateway {

  private final Map<String, CallHandler> handlers;

  /**
   * @param registry stored services
   * @param instances instance lifecycle
   * @param self this node's announcement, made fresh per call
   * @param maxRecursionHops most hops a delegation tree may still make when its guard says more
   *     or nothing
   * @param inputTimeout how long a caller may pause mid-request
   */
  public Gateway(ServiceRegistry registry, InstanceManager instances, Supplier<Peer> self,
      int maxRecursionHops, Duration inputTimeout) {
    this(registry, instances, self, maxRecursionHops, inputTimeout, ServiceUse.NONE);
  }

  /** As above; StartService tells {@code serviceUse} what it uses, so it is not collected meanwhile. */
  public Gateway(ServiceRegistry registry, InstanceManager instances, Supplier<Peer> self,
      int maxRecursionHops, Duration inputTimeout, ServiceUse serviceUse) {
    TreesInFlight trees = new TreesInFlight();
    this.handlers = Map.of(
        "StartService", new StartServiceCall(registry, instances, trees, maxRecursionHops, inputTimeout, serviceUse),
        "ModifyServiceSystemResources", new ModifyServiceSystemResourcesCall(instances, inputTimeout),
        "StopService", new StopServiceCall(instances, inputTimeout),
        "GetService", new GetServiceCall(registry, inputTimeout),
        "GetPeerInfo", new GetPeerInfoCall(self),
        "GetMetrics", new GetMetricsCall(instances, inputTimeout));
  }

  /**
   * The gRPC service, running handlers on {@code workers} for the calls {@code slots} admits; a
   * caller that leaves an answer unread for {@code stallTimeout} has its call ended.
   */
  public GatewayService service(ExecutorService workers, CallSlots slots, Path spoolDir, BlockStore blocks,
      DecoderLimits limits, Duration stallTimeout) {
    return new GatewayService(handlers, workers, slots, spoolDir, blocks, limits, stallTimeout);
  }
}
