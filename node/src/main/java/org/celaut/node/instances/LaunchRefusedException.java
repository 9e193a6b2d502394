package org.celaut.node.instances;

/**
 * The node will not start this instance; the message says why, and {@link #kind()} whether
 * waiting could help.
 */
public final class LaunchRefusedException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why the start was refused, and so what the caller can do. */
  public enum Kind {
    /** The service cannot run on this node as declared (architecture, entrypoint, ports): fix it. */
    SERVICE_UNFIT,
    /**
     * A rule of this node forbids this start (a recursion loop, the child depth bound, a malformed
     * or exhausted recursion guard): retrying the same start cannot succeed.
     */
    FORBIDDEN,
    /** The node is full for now (memory budget, children per instance): retry later or elsewhere. */
    NO_CAPACITY
  }

  private final Kind kind;

  /** A refusal because the service cannot run here ({@link Kind#SERVICE_UNFIT}). */
  public LaunchRefusedException(String message) {
    this(Kind.SERVICE_UNFIT, message);
  }

  public LaunchRefusedException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
