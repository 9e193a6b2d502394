package org.celaut.node.gateway;

import io.grpc.Status;
import io.grpc.StatusException;
import org.celaut.node.instances.LaunchRefusedException;
import org.celaut.node.instances.ResourceChangeRefusedException;
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

  /**
   * A refused start. A service that cannot run here is named ("service X cannot run here: …");
   * the tree rules keep the reference's wording at the start of their messages.
   */
  static StatusException refused(String serviceId, LaunchRefusedException e) {
    return switch (e.kind()) {
      case SERVICE_UNFIT -> CallContext.error(Status.Code.FAILED_PRECONDITION,
          (serviceId == null ? "" : "service " + serviceId + " cannot run here: ") + e.getMessage());
      case FORBIDDEN -> CallContext.error(Status.Code.FAILED_PRECONDITION, e.getMessage());
      case NO_CAPACITY -> CallContext.error(Status.Code.RESOURCE_EXHAUSTED, e.getMessage());
    };
  }

  /** A refused change of a running instance's resources. */
  static StatusException refused(ResourceChangeRefusedException e) {
    Status.Code code = switch (e.kind()) {
      case BAD_REQUEST -> Status.Code.INVALID_ARGUMENT;
      case BEYOND_DECLARED -> Status.Code.FAILED_PRECONDITION;
      case NO_CAPACITY -> Status.Code.RESOURCE_EXHAUSTED;
    };
    return CallContext.error(code, e.getMessage());
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
