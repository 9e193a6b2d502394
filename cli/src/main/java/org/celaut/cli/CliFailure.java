package org.celaut.cli;

/** A command failed for a reason a person can act on; printed as one line, no stack trace. */
final class CliFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int exitCode;

  CliFailure(String message, int exitCode) {
    super(message);
    this.exitCode = exitCode;
  }

  CliFailure(String message) {
    this(message, CelautCommand.EXIT_FAILED);
  }

  int exitCode() {
    return exitCode;
  }

  /** Wraps an SDK failure with the right exit code. */
  static CliFailure of(org.celaut.sdk.client.CelautException e) {
    return new CliFailure(e.getMessage(),
        e instanceof org.celaut.sdk.client.NodeUnavailableException
            ? CelautCommand.EXIT_UNAVAILABLE : CelautCommand.EXIT_FAILED);
  }
}
