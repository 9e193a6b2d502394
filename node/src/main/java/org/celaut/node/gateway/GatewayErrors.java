package org.celaut.node.gateway;

import io.grpc.Status;
import io.grpc.StatusException;
import org.celaut.node.runtime.RuntimeFailure;
import org.celaut.protocol.bee.FramingException;

/** Maps the node's typed failures to gRPC statuses a caller can act on. */
final class GatewayErrors {

  private GatewayErrors() {}

  static StatusException framing(String method, FramingException e) {
    Status.Code code = switch (e.kind()) {
      case TOO_LARGE -> Status.Code.RESOURCE_EXHAUSTED;
      case IO -> Status.Code.INTERNAL;
      default -> Status.Code.INVALID_ARGUMENT;
    };
    return CallContext.error(code, method + ": bad request stream: " + e.getMessage());
  }

  static StatusException runtime(RuntimeFailure e) {
    Status.Code code = switch (e.kind()) {
      case SERVICE_INVALID -> Status.Code.FAILED_PRECONDITION;
      case RESOURCES_EXHAUSTED -> Status.Code.RESOURCE_EXHAUSTED;
      case ENGINE_UNAVAILABLE -> Status.Code.UNAVAILABLE;
      case NOT_FOUND -> Status.Code.NOT_FOUND;
      case ENGINE_ERROR -> Status.Code.INTERNAL;
    };
    return CallContext.error(code, e.getMessage());
  }
}
