package org.celaut.node.instances;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/**
 * Asks whether an instance's TCP slot is open. The node probes the container's own address on the
 * node network: a port published on the host is useless for this, because Docker's port proxy
 * accepts connections there before the service inside listens.
 */
@FunctionalInterface
public interface ReadinessProbe {

  /** True if a TCP connection to {@code host:port} succeeds within {@code timeout}. */
  boolean accepts(String host, int port, Duration timeout);

  /** The real probe: a TCP connect, closed at once. */
  static ReadinessProbe tcp() {
    return (host, port, timeout) -> {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(host, port), (int) Math.max(1, timeout.toMillis()));
        return true;
      } catch (IOException notYet) {
        return false;
      }
    };
  }
}
