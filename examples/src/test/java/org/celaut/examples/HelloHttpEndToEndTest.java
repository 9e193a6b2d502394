package org.celaut.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.celaut.node.Node;
import org.celaut.node.runtime.docker.DockerRuntime;
import org.celaut.node.runtime.docker.DockerRuntimeConfig;
import java.util.List;
import java.util.Map;
import org.celaut.node.runtime.ContainerLabels;
import org.celaut.node.runtime.ContainerRuntime;
import org.celaut.node.runtime.ContainerSpec;
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
 * The foundation end to end, on a real Docker engine: node up, pack the example, StartService
 * over real gRPC, the instance answers HTTP on the returned address, StopService, container gone;
 * and a node restart adopts what is still running.
 */
class HelloHttpEndToEndTest {

  @RegisterExtension static final TestNodes nodes = new TestNodes();

  @TempDir Path work;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private String get(InetSocketAddress a, String path) {
    try {
      HttpResponse<String> r = http.send(
          HttpRequest.newBuilder(URI.create("http://" + a.getHostString() + ":" + a.getPort() + path))
              .timeout(Duration.ofSeconds(3)).build(),
          HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? r.body() : null;
    } catch (Exception e) {
      return null;
    }
  }

  private String awaitAnswer(InetSocketAddress a, String path) {
    AtomicReference<String> body = new AtomicReference<>();
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .until(() -> { body.set(get(a, path)); return body.get() != null; });
    return body.get();
  }

  @Test
  void startsTheExampleAnswersHttpAndStopsLeavingNoContainer() throws Exception {
    PackResult packed = TestNode.packHelloHttp(work);
    try (Node node = nodes.start(TestNode.config(work.resolve("node")));
        NodeClient client = NodeClient.connect("127.0.0.1:" + node.port());
        ContainerRuntime docker = DockerRuntime.connect(DockerRuntimeConfig.defaults("e2e-observer"))) {

      ServiceHandle h = client.start(ServiceSource.fromFile(packed.output()),
          StartOptions.builder().env("GREETING", "hi from the test").build());

      assertThat(h.serviceIdHex()).isEqualTo(packed.serviceIdHex());
      assertThat(h.token()).hasSize(64);
      InetSocketAddress outside = h.address(8080);
      assertThat(outside.getHostString()).isEqualTo("127.0.0.1");
      assertThat(awaitAnswer(outside, "/")).contains("hello from celaut");
      assertThat(awaitAnswer(outside, "/cgi-bin/greet")).contains("hi from the test");
      assertThat(client.metrics(h.token()).getBalance().getN()).isEqualTo("0");

      assertThat(client.listServices()).extracting(s -> s.getId()).containsExactly(packed.serviceIdHex());
      assertThat(client.listServices().get(0).getTagsList()).containsExactly("hello-http");
      InstanceInfo info = client.listInstances(false).get(0);
      assertThat(info.getState()).isEqualTo("RUNNING");
      assertThat(docker.inspect(info.getContainerId())).hasValueSatisfying(s -> assertThat(s.running()).isTrue());

      // GetService answers the stored service so it replays into StartService: 4:Hash, 5:Metadata, 6:Service.
      try (var call = client.open("GetService", Duration.ofSeconds(30))) {
        call.send(1, org.celaut.protocol.Hashes.sha3Hash(packed.serviceId().toByteArray()));
        call.halfClose();
        var hash = call.await(4, org.celaut.proto.celaut.Metadata.HashTag.Hash.class, Duration.ofSeconds(30));
        assertThat(hash.getValue()).isEqualTo(packed.serviceId());
        var md = call.await(5, org.celaut.proto.celaut.Metadata.class, Duration.ofSeconds(30));
        assertThat(md.getHashtag().getTagList()).containsExactly("hello-http");
        var body = call.next(Duration.ofSeconds(30)).orElseThrow();
        assertThat(body).isInstanceOfSatisfying(org.celaut.protocol.bee.BeeEvent.Spooled.class, sp -> {
          assertThat(sp.message().sha3Hex()).isEqualTo(packed.serviceIdHex());
          assertThat(sp.message().expandedSize()).isEqualTo(packed.sizeBytes());
        });
      }

      assertThat(client.stop(h.token())).isZero();

      assertThat(docker.inspect(info.getContainerId())).isEmpty();
      assertThat(docker.listOwned(node.nodeId())).isEmpty();
      assertThat(client.listInstances(false)).isEmpty();
      assertThat(client.listInstances(true).get(0).getState()).isEqualTo("ENDED");
      assertThat(get(outside, "/")).isNull();
      assertThatThrownBy(() -> client.stop(h.token())).as("a second stop says it stopped nothing")
          .isInstanceOf(org.celaut.sdk.client.InstanceEndedException.class)
          .hasMessageContaining("had already ended");
    }
  }

  @Test
  void aStoredServiceStartsByIdAndARestartedNodeAdoptsItsInstance() throws Exception {
    PackResult packed = TestNode.packHelloHttp(work);
    Path data = work.resolve("node");
    ServiceHandle first;
    String firstContainer;
    ServiceHandle h;
    String nodeId;
    // stop-instances-on-shutdown off: the instance must outlive its node and be adopted.
    try (Node node = nodes.start(TestNode.config(data).withStopInstancesOnShutdown(false));
        NodeClient client = NodeClient.connect("127.0.0.1:" + node.port())) {
      nodeId = node.nodeId();
      first = client.start(ServiceSource.fromFile(packed.output()), StartOptions.defaults());
      h = client.start(ServiceSource.byId(packed.serviceIdHex()), StartOptions.defaults());
      assertThat(awaitAnswer(h.address(8080), "/")).contains("hello from celaut");
      assertThat(client.listInstances(false)).hasSize(2);
      ServiceHandle f = first;
      firstContainer = client.listInstances(false).stream()
          .filter(i -> i.getInstance().equals(f.instance())).findFirst().orElseThrow().getContainerId();
    }
    // While the node is down, the first instance's container disappears, and a container
    // labelled as the node's but unknown to its database appears.
    String stray;
    try (DockerRuntime docker = DockerRuntime.connect(DockerRuntimeConfig.defaults(nodeId))) {
      assertThat(docker.listOwned(nodeId)).hasSize(2);
      docker.remove(firstContainer);
      stray = docker.start(new ContainerSpec(null, docker.imageRef(packed.serviceIdHex()), "/bin/service", Map.of(),
          "/__config__", new byte[0], 32L << 20, 0, 0, 0, java.util.Set.of(), List.of(), TestNode.NETWORK, "127.0.0.1",
          Map.of(ContainerLabels.NODE, nodeId, ContainerLabels.INSTANCE, "stray",
              ContainerLabels.SERVICE, packed.serviceIdHex()))).containerId();
    }
    try (Node node = nodes.start(TestNode.config(data));
        NodeClient client = NodeClient.connect("127.0.0.1:" + node.port());
        ContainerRuntime docker = DockerRuntime.connect(DockerRuntimeConfig.defaults("e2e-observer"))) {
      assertThat(node.nodeId()).as("the node keeps its id across restarts").isEqualTo(nodeId);
      assertThat(client.listInstances(false)).as("the surviving instance is adopted, the other ended").hasSize(1);
      assertThat(docker.inspect(stray)).as("the stray container is removed").isEmpty();
      assertThat(client.listInstances(true)).extracting(InstanceInfo::getEndReason)
          .contains("its container " + firstContainer.substring(0, 12) + " no longer existed when the node started"
              + " again (removed outside the node, or the node stopped in the middle of stopping it)");
      assertThat(awaitAnswer(h.address(8080), "/")).contains("hello from celaut");
      ServiceHandle gone = first;
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.metrics(gone.token()))
          .isInstanceOf(org.celaut.sdk.client.NotFoundException.class);
      assertThat(client.metrics(h.token()).getBalance().getN()).isEqualTo("0");
      client.start(ServiceSource.byId(packed.serviceIdHex()), StartOptions.defaults());
      assertThat(client.listInstances(false)).hasSize(2);
      node.close();
      assertThat(docker.listOwned(nodeId)).as("stop-instances-on-shutdown removed the rest").isEmpty();
    }
    assertThat(Files.exists(data.resolve("node.db"))).isTrue();
  }
}
