package org.celaut.node.gateway;

import io.grpc.Status;
import io.grpc.StatusException;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import org.celaut.node.instances.Attribution;
import org.celaut.node.instances.InstanceManager;
import org.celaut.node.instances.ResourceChangeRefusedException;
import org.celaut.node.runtime.RuntimeFailure;
import org.celaut.node.store.InstanceRecord;
import org.celaut.node.store.StoreException;
import org.celaut.proto.celaut.Amount;
import org.celaut.proto.celaut.ModifyServiceSystemResourcesInput;
import org.celaut.proto.celaut.ModifyServiceSystemResourcesOutput;
import org.celaut.proto.celaut.Sysresources;
import org.celaut.protocol.bee.BeeEvent;

/**
 * ModifyServiceSystemResources: a running instance changes its own resources. The caller is
 * known only by its source address, as in the reference, so only a live instance of this node may
 * call; what it asks for ({@code max_sysreq}) is bounded by its service's declared most and by the
 * node's free memory, applied to its container at once, and answered as the resources now in force.
 */
final class ModifyServiceSystemResourcesCall implements CallHandler {

  private final InstanceManager instances;
  private final Duration inputTimeout;

  ModifyServiceSystemResourcesCall(InstanceManager instances, Duration inputTimeout) {
    this.instances = instances;
    this.inputTimeout = inputTimeout;
  }

  @Override
  public void handle(CallContext ctx) throws StatusException, StoreException, IOException {
    Optional<InstanceRecord> caller = instances.callerOf(ctx.remoteAddress());
    if (caller.isEmpty()) {
      throw CallContext.error(Status.Code.PERMISSION_DENIED,
          "only a service running on this node may change its own resources; this call came from "
              + Attribution.ipOf(ctx.remoteAddress()).orElse(String.valueOf(ctx.remoteAddress()))
              + ", which is no running instance's address");
    }
    ModifyServiceSystemResourcesInput input = awaitInput(ctx);
    Sysresources now;
    try {
      now = instances.modifyResources(caller.get(), input.getMaxSysreq());
    } catch (ResourceChangeRefusedException e) {
      throw GatewayErrors.refused(e);
    } catch (RuntimeFailure e) {
      throw GatewayErrors.runtime(e);
    }
    // Balances arrive with the economy; until then an instance holds none.
    ctx.send(1, ModifyServiceSystemResourcesOutput.newBuilder()
        .setSysreq(now)
        .setBalance(Amount.newBuilder().setN("0"))
        .build());
  }

  private ModifyServiceSystemResourcesInput awaitInput(CallContext ctx) throws StatusException {
    while (true) {
      Optional<BeeEvent> e = ctx.next(inputTimeout);
      if (e.isEmpty()) {
        throw CallContext.error(Status.Code.INVALID_ARGUMENT,
            "ModifyServiceSystemResources needs a ModifyServiceSystemResourcesInput at index 1;"
                + " the request ended without one");
      }
      if (e.get() instanceof BeeEvent.Parsed p && p.index() == 1
          && p.message() instanceof ModifyServiceSystemResourcesInput in) {
        return in;
      }
    }
  }
}
