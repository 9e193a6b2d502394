package org.celaut.cli;

import java.io.IOException;
import org.celaut.sdk.client.NodeClient;
import picocli.CommandLine.Option;

/** The {@code --node HOST:PORT} option every client command shares. */
final class NodeAddress {

  static final String DEFAULT = "127.0.0.1:8090";

  @Option(names = "--node", paramLabel = "HOST:PORT",
      description = "Node to talk to (default: $CELAUT_NODE, else " + DEFAULT + ").")
  String node;

  String resolve() {
    if (node != null && !node.isBlank()) {
      return node;
    }
    String env = System.getenv("CELAUT_NODE");
    return env == null || env.isBlank() ? DEFAULT : env;
  }

  NodeClient connect() {
    try {
      return NodeClient.connect(resolve());
    } catch (IllegalArgumentException | IOException e) {
      throw new CliFailure(e.getMessage());
    }
  }
}
