package org.celaut.node.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.model.Network;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.celaut.node.runtime.ContainerLabels;
import org.celaut.node.runtime.NodeNetwork;
import org.celaut.node.runtime.RuntimeFailure;
import org.celaut.node.runtime.StartedContainer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The node's network exists once, is labelled, and lets services reach the node. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DockerRuntimeNetworkTest {
  private DockerFixture fx;

  @BeforeAll
  void connect() {
    fx = new DockerFixture();
  }

  @AfterAll
  void cleanUp() {
    if (fx != null) {
      fx.close();
    }
  }

  @Test
  void isALabelledBridgeCreatedOnceWithItsGatewayInItsSubnet() throws RuntimeFailure {
    NodeNetwork first = fx.runtime.ensureNetwork(fx.networkName);
    NodeNetwork second = fx.runtime.ensureNetwork(fx.networkName);

    assertThat(second).isEqualTo(first);
    assertThat(first.name()).isEqualTo(fx.networkName);
    assertThat(first.subnet()).matches("\\d+\\.\\d+\\.\\d+\\.\\d+/\\d+");
    assertThat(first.gatewayIp()).isEqualTo(DockerRuntime.firstHost(first.subnet()));
    Network inspected = fx.verify.inspectNetworkCmd().withNetworkId(first.id()).exec();
    assertThat(inspected.getDriver()).isEqualTo("bridge");
    assertThat(inspected.getLabels()).containsEntry(ContainerLabels.NODE, fx.nodeId);
  }

  @Test
  void aServiceReachesTheNodeAtTheGateway() throws Exception {
    NodeNetwork network = fx.runtime.ensureNetwork(fx.networkName);
    // Bound to the gateway address only: the node listens where its services can reach it.
    HttpServer node = HttpServer.create(new InetSocketAddress(network.gatewayIp(), 0), 0);
    AtomicInteger calls = new AtomicInteger();
    node.createContext(
        "/gateway",
        exchange -> {
          calls.incrementAndGet();
          byte[] body = "node here".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    node.start();
    String serviceId = fx.serviceId("reach-node");
    String imageRef = fx.runtime.ensureImage(fx.imageSource(serviceId, fx.busyboxFilesystem()));
    StartedContainer started = fx.runtime.start(fx.spec(imageRef, "instance-reach", serviceId));
    try {
      // busybox-static's wget crashes without the libc's name-service files; nc does not need them.
      String request =
          "printf 'GET /gateway HTTP/1.0\\r\\n\\r\\n' | /bin/busybox nc -w 5 "
              + network.gatewayIp()
              + " "
              + node.getAddress().getPort();

      byte[] answer = fx.exec(started.containerId(), "/bin/busybox", "sh", "-c", request);

      assertThat(new String(answer, StandardCharsets.UTF_8))
          .startsWith("HTTP/1.1 200")
          .endsWith("\r\n\r\nnode here");
      assertThat(calls).hasValue(1);
    } finally {
      fx.runtime.remove(started.containerId());
      node.stop(0);
    }
  }
}
