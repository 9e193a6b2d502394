package org.celaut.node.gateway;

import io.grpc.Status;
import io.grpc.StatusException;
import java.time.Duration;
import java.util.Optional;
import org.celaut.node.instances.InstanceManager;
import org.celaut.node.runtime.RuntimeFailure;
import org.celaut.node.store.StoreException;
import org.celaut.proto.celaut.Amount;
import org.celaut.proto.celaut.Refund;
import org.celaut.proto.celaut.TokenMessage;
import org.celaut.protocol.bee.BeeEvent;

/**
 * StopService: removes the instance's container and answers a Refund. An unknown token also gets
 * a Refund of 0, as the reference does, so a retried stop is harmless.
 */
final class StopServiceCall implements CallHandler {

  private final InstanceManager instances;
  private final Duration inputTimeout;

  StopServiceCall(InstanceManager instances, Duration inputTimeout) {
    this.instances = instances;
    this.inputTimeout = inputTimeout;
  }

  @Override
  public void handle(CallContext ctx) throws StatusException, StoreException {
    String token = GatewayCalls.awaitToken(ctx, inputTimeout, "StopService");
    try {
      instances.stop(token, "stopped by its token holder");
    } catch (RuntimeFailure e) {
      throw GatewayErrors.runtime(e);
    }
    // Balances arrive with the economy; until then nothing was prepaid, so nothing is refunded.
    ctx.send(1, Refund.newBuilder().setAmount(Amount.newBuilder().setN("0")).build());
  }
}
