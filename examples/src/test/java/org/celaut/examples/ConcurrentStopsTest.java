package org.celaut.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.celaut.node.Node;
import org.celaut.node.runtime.ContainerRuntime;
import org.celaut.node.runtime.docker.DockerRuntime;
import org.celaut.node.runtime.docker.DockerRuntimeConfig;
import org.celaut.proto.admin.InstanceInfo;
import org.celaut.sdk.client.NodeClient;
import org.celaut.sdk.client.ServiceHandle;
import org.celaut.sdk.client.ServiceSource;
import org.celaut.sdk.client.StartOptions;
import org.celaut.sdk.pack.PackResult;
import org.celaut.testkit.TestNodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fifty stops at once from one client, with the node's default limits: every one succeeds and
 * every container is gone. (How long they take against a bare {@code docker rm -f} is a
 * benchmark, {@code bench/…/ConcurrentStopBench}, not a test.)
 */
class ConcurrentStopsTest {

  private static final int N = 50;

  @RegisterExtension static final TestNodes nodes = new TestNodes();
  @TempDir Path work;

  @Test
  void fiftyConcurrentStopsAllSucceedAndLeaveNoContainer() throws Exception {
    PackResult hello = TestNode.packHelloHttp(work);
    try (Node node = nodes.start(TestNode.config(work.resolve("node")));
        NodeClient client = NodeClient.connect("127.0.0.1:" + node.port());
        ContainerRuntime docker = DockerRuntime.connect(DockerRuntimeConfig.defaults("e2e-observer"))) {
      client.stop(client.start(ServiceSource.fromFile(hello.output()), StartOptions.defaults()).token());
      List<CompletableFuture<ServiceHandle>> starts = new ArrayList<>();
      for (int i = 0; i < N; i++) {
        starts.add(client.startAsync(ServiceSource.byId(hello.serviceIdHex()), StartOptions.defaults()));
      }
      List<String> tokens = new ArrayList<>();
      for (CompletableFuture<ServiceHandle> s : starts) {
        tokens.add(s.get(120, TimeUnit.SECONDS).token());
      }
      assertThat(docker.listOwned(node.nodeId())).hasSize(N);

      List<CompletableFuture<BigInteger>> stops = new ArrayList<>();
      for (String token : tokens) {
        stops.add(client.stopAsync(token));
      }
      for (CompletableFuture<BigInteger> s : stops) {
        assertThat(s.get(120, TimeUnit.SECONDS)).isZero();
      }
      assertThat(docker.listOwned(node.nodeId())).as("containers left").isEmpty();
      assertThat(client.listInstances(false)).as("instances still live").isEmpty();
      assertThat(client.listInstances(true)).filteredOn(i -> i.getEndReason().equals("stopped by its token holder"))
          .extracting(InstanceInfo::getState).hasSize(N + 1).containsOnly("ENDED"); // + the first, cold start
    }
  }
}
