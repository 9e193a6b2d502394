package org.celaut.cli;

import java.io.IOException;
import java.util.Map;
import org.celaut.sdk.client.NodeClient;
import picocli.CommandLine.Option;

/** The {@code --node HOST:PORT} option every client command shares. */
final class NodeAddress {

  static final String DEFAULT = "127.0.0.1:8090";
  static final String ENV = "CELAUT_NODE";

  @Option(names = "--node", paramLabel = "<host:port>",
      description = "Node to talk to (default: $" + ENV + ", else " + DEFAULT + ").")
  String node;

  /**
   * The node to talk to and where that came from.
   *
   * @param hostPort {@code host:port}, checked to be one
   * @param source for messages: where the address came from
   */
  record Target(String hostPort, String source) {}

  Target resolve() {
    return resolve(node, System.getenv());
  }

  /**
   * {@code --node} if given, else {@code CELAUT_NODE} if set, else the default; a value that is
   * not {@code HOST:PORT} is a usage error naming where it came from.
   */
  static Target resolve(String flag, Map<String, String> env) {
    if (flag != null) {
      return new Target(check(flag, "--node"), "the address given by --node");
    }
    String fromEnv = env.get(ENV);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return new Target(check(fromEnv.strip(), ENV), "the address from " + ENV);
    }
    return new Target(DEFAULT, "the default address: neither --node nor " + ENV + " is set");
  }

  /** {@code host:port} with a port from 1 to 65535 and a host without blanks; an IPv6 host in brackets. */
  static String check(String value, String name) {
    int colon = value.lastIndexOf(':');
    String host = colon < 0 ? "" : value.substring(0, colon);
    String port = colon < 0 ? "" : value.substring(colon + 1);
    boolean hostOk = !host.isEmpty() && !host.matches(".*\\s.*")
        && (host.indexOf(':') < 0 || (host.startsWith("[") && host.endsWith("]")));
    boolean portOk = port.matches("[0-9]{1,5}") && Integer.parseInt(port) >= 1 && Integer.parseInt(port) <= 65535;
    if (!hostOk || !portOk) {
      throw CliFailure.usage(name + " takes HOST:PORT, e.g. " + DEFAULT + " (an IPv6 host in brackets: [::1]:8090),"
          + " got '" + value + "'");
    }
    return value;
  }

  /** A client for the node resolved above. */
  NodeClient connect(Target target) {
    try {
      return NodeClient.connect(target.hostPort());
    } catch (IllegalArgumentException e) {
      throw CliFailure.usage(e.getMessage());
    } catch (IOException e) {
      throw new CliFailure("cannot set up a client: " + e.getMessage());
    }
  }
}
