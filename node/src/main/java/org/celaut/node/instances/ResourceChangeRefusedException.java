package org.celaut.node.instances;

/** A running instance's request to change its resources was refused; the message says why. */
public final class ResourceChangeRefusedException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why, and so what the instance can do. */
  public enum Kind {
    /** The request itself is unusable (a value no engine accepts). */
    BAD_REQUEST,
    /** It asks beyond what its own service declares as its most ({@code resources.at_most}). */
    BEYOND_DECLARED,
    /** The node has not that much free now: ask for less, or later. */
    NO_CAPACITY
  }

  private final Kind kind;

  public ResourceChangeRefusedException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
