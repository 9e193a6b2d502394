package org.celaut.node.runtime;

/**
 * The container engine could not do what was asked. {@link #kind()} says whose fault it is, so
 * the gateway can map it to the right gRPC status.
 */
public final class RuntimeFailure extends Exception {
  private static final long serialVersionUID = 1L;

  /** Whose fault, and so what to do. */
  public enum Kind {
    /** The service itself cannot run as declared (missing entrypoint, bad image): fix the service. */
    SERVICE_INVALID,
    /** Not enough memory, CPU, ports or disk on this node now: retry later or elsewhere. */
    RESOURCES_EXHAUSTED,
    /** The engine is down or unreachable: the maintainer must start it; retry later. */
    ENGINE_UNAVAILABLE,
    /** The container asked for does not exist. */
    NOT_FOUND,
    /** Anything else the engine reported. */
    ENGINE_ERROR
  }

  private final Kind kind;

  public RuntimeFailure(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public RuntimeFailure(Kind kind, String message) {
    this(kind, message, null);
  }

  public Kind kind() {
    return kind;
  }
}
