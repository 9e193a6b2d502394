package org.celaut.sdk.client;

import io.grpc.Status;

/**
 * A call to a node failed. Subclasses say why in a way a program can act on; {@link #status()}
 * keeps the node's gRPC status for logs.
 */
public class CelautException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient Status status;

  public CelautException(String message, Status status, Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  /** The gRPC status the node answered (UNKNOWN if the failure was local). */
  public Status status() {
    return status == null ? Status.UNKNOWN : status;
  }

  /** Maps a gRPC failure to the most specific exception type. */
  static CelautException from(String what, Status s, Throwable cause) {
    String msg = what + ": " + (s.getDescription() == null ? s.getCode().toString() : s.getDescription());
    return switch (s.getCode()) {
      case UNAVAILABLE, DEADLINE_EXCEEDED -> new NodeUnavailableException(msg, s, cause);
      case NOT_FOUND -> new NotFoundException(msg, s, cause);
      case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE -> new RequestRejectedException(msg, s, cause);
      case RESOURCE_EXHAUSTED -> new ResourcesExhaustedException(msg, s, cause);
      case UNIMPLEMENTED -> new UnsupportedByNodeException(msg, s, cause);
      default -> new CelautException(msg, s, cause);
    };
  }
}
