package org.celaut.node.registry;

/** The bytes offered as a service are not a usable {@code celaut.Service}. */
public final class InvalidServiceException extends Exception {
  private static final long serialVersionUID = 1L;

  public InvalidServiceException(String message) {
    super(message);
  }
}
