package org.celaut.sdk.client;

import io.grpc.Status;

/**
 * The node could not be reached or did not answer in time (UNAVAILABLE, DEADLINE_EXCEEDED).
 * Retry later, or check the address: when {@link #connectionFailed()} is true no connection to
 * the node could be made at all (nothing listens at the address, the host name does not resolve,
 * no route to it), and the message names the address tried.
 */
public final class NodeUnavailableException extends CelautException {
  private static final long serialVersionUID = 1L;

  private final boolean connectionFailed;

  /** See {@link CelautException#CelautException(String, Status, Throwable)}; the node was reached. */
  public NodeUnavailableException(String message, Status status, Throwable cause) {
    this(message, status, cause, false);
  }

  /**
   * See {@link CelautException#CelautException(String, Status, Throwable)}.
   *
   * @param connectionFailed true when no connection to the node could be made
   */
  public NodeUnavailableException(String message, Status status, Throwable cause, boolean connectionFailed) {
    super(message, status, cause);
    this.connectionFailed = connectionFailed;
  }

  /**
   * True when no connection to the node could be made (check the address, or start the node);
   * false when the node answered that it cannot serve now (its Docker engine is down, say) or
   * did not answer in time.
   */
  public boolean connectionFailed() {
    return connectionFailed;
  }
}
