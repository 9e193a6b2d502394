package org.celaut.sdk.client;

import io.grpc.Status;

/**
 * Something asked of a node failed. Subclasses say why in a way a program can act on:
 *
 * <ul>
 *   <li>{@link NodeUnavailableException}: unreachable or too slow; retry later;
 *   <li>{@link NotFoundException}: the node lacks the service or instance named;
 *   <li>{@link RequestRejectedException}: malformed or impossible; do not retry as is;
 *   <li>{@link ResourcesExhaustedException}: too large, or not enough resources now;
 *   <li>{@link UnsupportedByNodeException}: the node does not serve this call;
 *   <li>{@code org.celaut.sdk.service.ConfigFileException}: a service's own config file is
 *       missing or garbled (nothing was asked of the node).
 * </ul>
 *
 * <p>{@link #status()} keeps the node's gRPC status for logs. The {@code …Async} twins of the SDK's
 * calls complete exceptionally with the same types.
 */
public class CelautException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient Status status;

  /**
   * @param message what failed, for a person
   * @param status the node's answer, or null when the failure was local
   * @param cause the underlying exception, if any
   */
  public CelautException(String message, Status status, Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  /** The gRPC status the node answered (UNKNOWN if the failure was local). */
  public Status status() {
    return status == null ? Status.UNKNOWN : status;
  }

  /**
   * Maps a node's gRPC status to the most specific exception type, with a message that starts
   * with {@code what} (the operation) and goes on with the node's own description.
   */
  public static CelautException fromStatus(String what, Status status, Throwable cause) {
    return from(what, status, cause);
  }

  static CelautException from(String what, Status s, Throwable cause) {
    String msg = what + ": " + (s.getDescription() == null ? s.getCode().toString() : s.getDescription());
    if (s.getCause() != null && s.getCause().getMessage() != null) {
      // A local transport failure ("io exception") says where and why only in its cause.
      msg += " (" + s.getCause().getMessage() + ")";
    }
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
