package org.celaut.sdk.client;

import io.grpc.Status;

/**
 * The node does not know the service or instance named (NOT_FOUND): send the service body, or
 * check the token. A stop of an instance that had already ended throws the subtype {@link
 * InstanceEndedException}, so {@code catch (NotFoundException e)} covers every "there is no live
 * instance with that token".
 */
public sealed class NotFoundException extends CelautException permits InstanceEndedException {
  private static final long serialVersionUID = 1L;

  /** See {@link CelautException#CelautException(String, Status, Throwable)}. */
  public NotFoundException(String message, Status status, Throwable cause) {
    super(message, status, cause);
  }
}
