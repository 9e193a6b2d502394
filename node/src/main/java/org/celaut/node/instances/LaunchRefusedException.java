package org.celaut.node.instances;

/** The service cannot run on this node as declared; the message says why. */
public final class LaunchRefusedException extends Exception {
  private static final long serialVersionUID = 1L;

  public LaunchRefusedException(String message) {
    super(message);
  }
}
