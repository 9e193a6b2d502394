package org.celaut.cli;

import org.celaut.sdk.client.CelautException;
import org.celaut.sdk.client.NodeUnavailableException;

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

  /** A wrong option, argument or file: nothing was attempted (exit 2). */
  static CliFailure usage(String message) {
    return new CliFailure(message, CelautCommand.EXIT_USAGE);
  }

  int exitCode() {
    return exitCode;
  }

  /**
   * An SDK failure with the right exit code: 3 when the node could not be reached (with where
   * the address came from and how to start a node or name another), else 1.
   */
  static CliFailure of(CelautException e, NodeAddress.Target node) {
    if (e instanceof NodeUnavailableException u) {
      String msg = e.getMessage();
      if (u.connectionFailed()) {
        msg += " (" + node.source() + "). Start a node with 'celaut node run', or name a running node with"
            + " --node HOST:PORT or " + NodeAddress.ENV;
      }
      return new CliFailure(msg, CelautCommand.EXIT_UNAVAILABLE);
    }
    return new CliFailure(e.getMessage(), CelautCommand.EXIT_FAILED);
  }
}
