package org.celaut.sdk.client;

import io.grpc.Status;

/** The node does not implement this call (UNIMPLEMENTED). */
public final class UnsupportedByNodeException extends CelautException {
  private static final long serialVersionUID = 1L;

  /** See {@link CelautException#CelautException(String, Status, Throwable)}. */
  public UnsupportedByNodeException(String message, Status status, Throwable cause) {
    super(message, status, cause);
  }
}
