package org.celaut.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.celaut.node.Node;
import org.celaut.node.config.NodeConfig;
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
 * The example service through a real node: its container is named after its instance, confined
 * with the node's defaults (pids, one core, no new privileges, only NET_BIND_SERVICE, rotated
 * logs), and busybox httpd still serves as uid 0.
 */
class ContainerIsolationEndToEndTest {

  @RegisterExtension static final TestNodes nodes = new TestNodes();

  @TempDir Path work;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void anInstanceRunsConfinedInAContainerNamedAfterIt() throws Exception {
    PackResult packed = TestNode.packHelloHttp(work);
    String host = NodeConfig.DEFAULT_DOCKER_HOST;
    try (Node node = nodes.start(TestNode.config(work.resolve("node")));
        NodeClient client = NodeClient.connect("127.0.0.1:" + node.port());
        DockerClient docker = DockerClientImpl.getInstance(
            new DefaultDockerClientConfig.Builder().withDockerHost(host).build(),
            new ZerodepDockerHttpClient.Builder().dockerHost(URI.create(host)).build())) {
      ServiceHandle h = client.start(ServiceSource.fromFile(packed.output()),
          StartOptions.builder().env("GREETING", "confined").build());
      InstanceInfo info = client.listInstances(false).get(0);

      List<Container> named = docker.listContainersCmd().withNameFilter(List.of("celaut-" + info.getId())).exec();
      assertThat(named).extracting(Container::getId).containsExactly(info.getContainerId());
      assertThat(named.get(0).getNames()).containsExactly("/celaut-" + info.getId());

      HostConfig hc = docker.inspectContainerCmd(info.getContainerId()).exec().getHostConfig();
      assertThat(hc.getPidsLimit()).isEqualTo(512L);
      assertThat(hc.getCpuPeriod()).as("one core: hello-http declares no CPU").isEqualTo(100_000L);
      assertThat(hc.getCpuQuota()).isEqualTo(100_000L);
      assertThat(hc.getSecurityOpts()).containsExactly("no-new-privileges");
      assertThat(hc.getCapDrop()).containsExactly(Capability.ALL);
      assertThat(hc.getCapAdd()).containsExactly(Capability.NET_BIND_SERVICE);
      assertThat(hc.getLogConfig().getConfig()).containsEntry("max-size", Long.toString(10L << 20))
          .containsEntry("max-file", "3");

      URI greet = URI.create("http://127.0.0.1:" + h.address(8080).getPort() + "/cgi-bin/greet");
      await().atMost(Duration.ofSeconds(30)).ignoreException(IOException.class).untilAsserted(() ->
          assertThat(http.send(HttpRequest.newBuilder(greet).timeout(Duration.ofSeconds(2)).build(),
              HttpResponse.BodyHandlers.ofString()).body()).contains("confined"));

      client.stop(h.token());
      assertThat(docker.listContainersCmd().withShowAll(true).withNameFilter(List.of("celaut-" + info.getId())).exec())
          .isEmpty();
    }
  }
}
