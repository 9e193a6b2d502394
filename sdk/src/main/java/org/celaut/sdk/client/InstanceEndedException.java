package org.celaut.sdk.client;

import io.grpc.Status;

/**
 * A stop named an instance that had already ended (the node answers FAILED_PRECONDITION): it was
 * stopped before (by this token's holder, by its parent's stop, by the node's maintainer), its
 * container exited, or it never finished starting. Nothing was stopped by this call, and there is
 * nothing left to stop: do not retry. The message names the instance, when it ended and why.
 *
 * <p>A subtype of {@link NotFoundException} (no live instance has that token), so code that only
 * cares that the instance is gone catches that; code that wants to know that it was there once
 * catches this first.
 */
public final class InstanceEndedException extends NotFoundException {
  private static final long serialVersionUID = 1L;

  /** See {@link CelautException#CelautException(String, Status, Throwable)}. */
  public InstanceEndedException(String message, Status status, Throwable cause) {
    super(message, status, cause);
  }
}
