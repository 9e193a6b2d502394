package org.celaut.sdk.client;

import io.grpc.Status;

/** The node does not know the service or instance named (NOT_FOUND). Send the service body, or check the token. */
public final class NotFoundException extends CelautException {
  private static final long serialVersionUID = 1L;

  /** See {@link CelautException#CelautException(String, Status, Throwable)}. */
  public NotFoundException(String message, Status status, Throwable cause) {
    super(message, status, cause);
  }
}
