package org.celaut.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.UUID;
import org.celaut.node.Node;
import org.celaut.node.NodeStartException;
import org.celaut.node.config.NodeConfig;
import org.celaut.testkit.TestNodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node that cannot listen fails before it makes anything: the error names the address and
 * what to do, and no Docker network is left behind (each failed start used to leave one).
 */
class NodeStartFailuresTest {

  @RegisterExtension static final TestNodes nodes = new TestNodes();
  @TempDir Path work;
  /** Unique per run, so only this test's start could have made it. */
  private final String network = "celaut-test-bindfail-" + UUID.randomUUID().toString().substring(0, 8);

  private NodeConfig config(String bindHost, int port) {
    return NodeConfig.builder()
        .dataDir(work.resolve("node"))
        .bindHost(bindHost)
        .advertisedHost("127.0.0.1")
        .port(port)
        .networkName(network)
        .build();
  }

  private boolean networkExists() throws Exception {
    Process p = new ProcessBuilder("docker", "network", "inspect", network).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int code = p.waitFor();
    if (code != 0 && !out.toLowerCase().contains("not found") && !out.toLowerCase().contains("no such network")) {
      throw new IllegalStateException("docker network inspect failed: " + out);
    }
    return code == 0;
  }

  @Test
  void aPortInUseFailsNamingTheAddressAndLeavesNoNetwork() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();
      for (int attempt = 0; attempt < 2; attempt++) {
        assertThatThrownBy(() -> Node.start(config("127.0.0.1", port), Clock.systemUTC()))
            .isInstanceOf(NodeStartException.class)
            .hasMessageStartingWith("cannot listen on 127.0.0.1:" + port + ": the port is already in use")
            .hasMessageContaining("--port");
        assertThat(networkExists()).as("network %s after failed start %d", network, attempt + 1).isFalse();
      }
    }
  }

  @Test
  void aBindHostThatIsNotThisMachinesFailsNamingItAndLeavesNoNetwork() throws Exception {
    // 203.0.113.0/24 is TEST-NET-3: documentation only, never a local address.
    assertThatThrownBy(() -> Node.start(config("203.0.113.7", 0), Clock.systemUTC()))
        .isInstanceOf(NodeStartException.class)
        .hasMessageContaining("203.0.113.7 is not an address of this machine")
        .hasMessageContaining("--bind-host");
    assertThat(networkExists()).isFalse();
  }

  @Test
  void aBindHostThatDoesNotResolveFailsNamingItAndLeavesNoNetwork() throws Exception {
    assertThatThrownBy(() -> Node.start(config("nosuch.invalid", 0), Clock.systemUTC()))
        .isInstanceOf(NodeStartException.class)
        .hasMessageContaining("'nosuch.invalid' is not an address of this machine nor a name that resolves to one")
        .hasMessageContaining("--bind-host");
    assertThat(networkExists()).isFalse();
  }

  @Test
  void theDataDirectoryCanBeUsedOnceThePortIsFree() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();
      assertThatThrownBy(() -> Node.start(config("127.0.0.1", port), Clock.systemUTC()))
          .isInstanceOf(NodeStartException.class);
    }
    try (Node node = nodes.start(config("127.0.0.1", 0).withNetworkName(TestNode.NETWORK))) {
      assertThat(node.port()).isPositive();
    }
  }

  @Test
  void aDataDirectoryInUseByANodeOfThisVeryProcessIsRefusedByName() throws Exception {
    try (Node first = nodes.start(config("127.0.0.1", 0).withNetworkName(TestNode.NETWORK))) {
      assertThatThrownBy(() -> Node.start(config("127.0.0.1", 0).withNetworkName(TestNode.NETWORK), Clock.systemUTC()))
          .isInstanceOf(NodeStartException.class)
          .hasMessage("another node is already running on data directory " + work.resolve("node").toAbsolutePath());
      try (org.celaut.sdk.client.NodeClient client = org.celaut.sdk.client.NodeClient.connect("127.0.0.1:" + first.port())) {
        assertThat(client.listInstances(false)).as("the first node still answers").isEmpty();
      }
    }
  }
}
