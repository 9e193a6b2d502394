package org.celaut.node.gateway;

import io.grpc.Status;
import io.grpc.StatusException;
import java.time.Duration;
import org.celaut.node.instances.InstanceManager;
import org.celaut.node.instances.InstanceNotFoundException;
import org.celaut.node.store.StoreException;
import org.celaut.proto.celaut.Amount;
import org.celaut.proto.celaut.Metrics;

/** GetMetrics: the state of a live instance, known by its token. */
final class GetMetricsCall implements CallHandler {

  private final InstanceManager instances;
  private final Duration inputTimeout;

  GetMetricsCall(InstanceManager instances, Duration inputTimeout) {
    this.instances = instances;
    this.inputTimeout = inputTimeout;
  }

  @Override
  public void handle(CallContext ctx) throws StatusException, StoreException {
    String token = GatewayCalls.awaitToken(ctx, inputTimeout, "GetMetrics");
    try {
      instances.running(token);
    } catch (InstanceNotFoundException e) {
      throw CallContext.error(Status.Code.NOT_FOUND, e.getMessage());
    }
    // Metering arrives with the economy: a live instance has no balance yet.
    ctx.send(1, Metrics.newBuilder().setBalance(Amount.newBuilder().setN("0")).build());
  }
}
