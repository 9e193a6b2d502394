package org.celaut.sdk.client;

import io.grpc.Status;

/** The node lacks the resources, or the request is larger than it accepts (RESOURCE_EXHAUSTED). Retry later, elsewhere, or smaller. */
public final class ResourcesExhaustedException extends CelautException {
  private static final long serialVersionUID = 1L;

  /** See {@link CelautException#CelautException(String, Status, Throwable)}. */
  public ResourcesExhaustedException(String message, Status status, Throwable cause) {
    super(message, status, cause);
  }
}
