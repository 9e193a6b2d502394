package org.celaut.node.gateway;

import io.grpc.Status;
import io.grpc.StatusException;
import java.time.Duration;
import org.celaut.node.instances.InstanceManager;
import org.celaut.node.instances.StopOutcome;
import org.celaut.node.runtime.RuntimeFailure;
import org.celaut.node.store.StoreException;
import org.celaut.proto.celaut.Amount;
import org.celaut.proto.celaut.Refund;

/**
 * StopService: stops the live instance holding the token (its descendants first) and answers a
 * Refund.
 *
 * <p>A deliberate deviation from the reference, which answers {@code Refund{0}} to a token it does
 * not hold, so a caller cannot tell a stop from nothing. Here a stop that stops nothing is refused
 * with a status, which every reference client already treats as a failed call, so the wire stays
 * compatible:
 *
 * <ul>
 *   <li>a token no instance of this node ever had: {@code NOT_FOUND};
 *   <li>a token whose instance already ended: {@code FAILED_PRECONDITION}, naming the instance,
 *       when it ended and why.
 * </ul>
 *
 * A retried stop therefore says that the first one already did the work instead of claiming it
 * again.
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
    StopOutcome outcome;
    try {
      outcome = instances.stop(token, "stopped by its token holder");
    } catch (RuntimeFailure e) {
      throw failed(e);
    }
    if (outcome instanceof StopOutcome.Unknown) {
      throw CallContext.error(Status.Code.NOT_FOUND, "no instance on this node has that token; nothing was stopped");
    }
    if (outcome instanceof StopOutcome.AlreadyEnded ended) {
      throw CallContext.error(Status.Code.FAILED_PRECONDITION, ended.message());
    }
    // Balances arrive with the economy; until then nothing was prepaid, so nothing is refunded.
    ctx.send(1, Refund.newBuilder().setAmount(Amount.newBuilder().setN("0")).build());
  }

  /**
   * An engine failure during a stop: UNAVAILABLE or INTERNAL, never FAILED_PRECONDITION or
   * NOT_FOUND, which mean "nothing to stop" here.
   */
  static StatusException failed(RuntimeFailure e) {
    Status.Code code = e.kind() == RuntimeFailure.Kind.ENGINE_UNAVAILABLE ? Status.Code.UNAVAILABLE
        : Status.Code.INTERNAL;
    return CallContext.error(code, "the stop did not complete: " + e.getMessage());
  }
}
