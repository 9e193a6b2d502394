package org.celaut.sdk.client;

import io.grpc.Status;

/**
 * Something asked of a node failed. Subclasses say why in a way a program can act on:
 *
 * <ul>
 *   <li>{@link NodeUnavailableException}: unreachable or too slow; retry later;
 *   <li>{@link NotFoundException}: the node lacks the service or instance named ({@link
 *       InstanceEndedException}: the instance a stop named had already ended);
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
    return from(what, status, cause, null);
  }

  /**
   * As {@link #fromStatus(String, Status, Throwable)}; a failure to reach the node says so in
   * words, naming {@code nodeAddress} (null: unnamed), never with the transport's own text.
   */
  public static CelautException fromStatus(String what, Status status, Throwable cause, String nodeAddress) {
    return from(what, status, cause, nodeAddress);
  }

  static CelautException from(String what, Status s, Throwable cause, String nodeAddress) {
    String at = nodeAddress == null ? "the node" : "the node at " + nodeAddress;
    java.util.Optional<String> unreachable = TransportFailures.connectionFailure(s);
    if (unreachable.isPresent()) {
      return new NodeUnavailableException(what + ": cannot reach " + at + ": " + unreachable.get(), s, cause, true);
    }
    if (TransportFailures.libraryDeadline(s)) {
      return new NodeUnavailableException(what + ": " + at + " did not answer in time", s, cause, false);
    }
    String msg = what + ": " + (s.getDescription() == null ? s.getCode().toString() : s.getDescription());
    return switch (s.getCode()) {
      case UNAVAILABLE, DEADLINE_EXCEEDED -> new NodeUnavailableException(msg, s, cause, false);
      case NOT_FOUND -> new NotFoundException(msg, s, cause);
      case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE -> new RequestRejectedException(msg, s, cause);
      case RESOURCE_EXHAUSTED -> new ResourcesExhaustedException(msg, s, cause);
      case UNIMPLEMENTED -> new UnsupportedByNodeException(msg, s, cause);
      default -> new CelautException(msg, s, cause);
    };
  }
}
