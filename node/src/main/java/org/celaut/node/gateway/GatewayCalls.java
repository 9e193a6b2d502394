package org.celaut.node.gateway;

import io.grpc.Status;
import io.grpc.StatusException;
import java.time.Duration;
import java.util.Optional;
import org.celaut.proto.celaut.TokenMessage;
import org.celaut.protocol.bee.BeeEvent;

/** Request-reading steps several calls share. */
final class GatewayCalls {

  private GatewayCalls() {}

  /** Reads until the TokenMessage at index 1; its token must not be empty. */
  static String awaitToken(CallContext ctx, Duration timeout, String method) throws StatusException {
    while (true) {
      Optional<BeeEvent> e = ctx.next(timeout);
      if (e.isEmpty()) {
        throw CallContext.error(Status.Code.INVALID_ARGUMENT,
            method + " needs a TokenMessage at index 1; the request ended without one");
      }
      if (e.get() instanceof BeeEvent.Parsed p && p.index() == 1 && p.message() instanceof TokenMessage t) {
        if (t.getToken().isEmpty()) {
          throw CallContext.error(Status.Code.INVALID_ARGUMENT, method + ": the TokenMessage has an empty token");
        }
        return t.getToken();
      }
    }
  }
}
