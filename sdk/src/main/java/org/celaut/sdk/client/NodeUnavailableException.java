package org.celaut.sdk.client;

import io.grpc.Status;

/** The node could not be reached or did not answer in time. Retry later, or check the address (UNAVAILABLE, DEADLINE_EXCEEDED). */
public final class NodeUnavailableException extends CelautException {
  private static final long serialVersionUID = 1L;

  /** See {@link CelautException#CelautException(String, Status, Throwable)}. */
  public NodeUnavailableException(String message, Status status, Throwable cause) {
    super(message, status, cause);
  }
}
