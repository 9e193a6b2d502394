package org.celaut.sdk.client;

import io.grpc.Status;

/** The node refused the request as malformed or impossible to run (INVALID_ARGUMENT, FAILED_PRECONDITION). Do not retry until the request or the service is fixed. */
public final class RequestRejectedException extends CelautException {
  private static final long serialVersionUID = 1L;

  /** See {@link CelautException#CelautException(String, Status, Throwable)}. */
  public RequestRejectedException(String message, Status status, Throwable cause) {
    super(message, status, cause);
  }
}
