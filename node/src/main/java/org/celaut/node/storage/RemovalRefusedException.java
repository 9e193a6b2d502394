package org.celaut.node.storage;

/** A service cannot be removed now; the message says why and what to do. */
public final class RemovalRefusedException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why. */
  public enum Kind {
    /** The node holds no such service (nor an image of it). */
    NOT_FOUND,
    /** A live instance or a start in flight uses it: stop them, or wait, and try again. */
    IN_USE,
    /** The container engine would not remove its image; nothing was removed. */
    ENGINE_REFUSED,
    /** The container engine cannot be reached; nothing was removed. */
    ENGINE_UNAVAILABLE
  }

  private final Kind kind;

  public RemovalRefusedException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public RemovalRefusedException(Kind kind, String message) {
    this(kind, message, null);
  }

  public Kind kind() {
    return kind;
  }
}
