package org.celaut.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.logging.LogManager;

/**
 * Where java.util.logging goes (gRPC and Netty log through it; the node logs through slf4j,
 * configured by {@code simplelogger.properties}). A node prints gRPC's warnings with the same
 * timestamps as its own lines. A client command prints none: its failures are reported once, as
 * {@code celaut: message}, and gRPC's warnings (a stack trace for a host name that does not
 * resolve) would only repeat them in a form nobody can act on.
 */
final class Logging {

  private Logging() {}

  /** Configures java.util.logging for a node ({@code node} true) or a client command. */
  static void configure(boolean node) {
    String props = node
        ? "handlers=java.util.logging.ConsoleHandler\n"
            + ".level=INFO\n"
            + "java.util.logging.ConsoleHandler.level=ALL\n"
            + "java.util.logging.ConsoleHandler.formatter=" + JulFormat.class.getName() + "\n"
        : "handlers=\n.level=OFF\n";
    try {
      LogManager.getLogManager().readConfiguration(
          new ByteArrayInputStream(props.getBytes(StandardCharsets.ISO_8859_1)));
    } catch (IOException e) {
      throw new IllegalStateException("cannot configure java.util.logging", e);
    }
  }
}
