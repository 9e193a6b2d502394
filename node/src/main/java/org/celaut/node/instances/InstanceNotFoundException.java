package org.celaut.node.instances;

/** No running instance has the given token. */
public final class InstanceNotFoundException extends Exception {
  private static final long serialVersionUID = 1L;

  public InstanceNotFoundException(String message) {
    super(message);
  }
}
