package org.celaut.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.celaut.node.Node;
import org.celaut.node.config.NodeConfig;
import org.celaut.node.config.NodeConfigLoader;
import org.celaut.node.runtime.ContainerRuntime;
import org.celaut.node.runtime.docker.DockerRuntime;
import org.celaut.node.runtime.docker.DockerRuntimeConfig;
import org.celaut.node.store.InstanceRecord;
import org.celaut.proto.celaut.ModifyServiceSystemResourcesInput;
import org.celaut.proto.celaut.ModifyServiceSystemResourcesOutput;
import org.celaut.proto.celaut.Sysresources;
import org.celaut.sdk.client.NodeClient;
import org.celaut.sdk.client.RequestRejectedException;
import org.celaut.sdk.client.ResourcesExhaustedException;
import org.celaut.sdk.client.ServiceHandle;
import org.celaut.sdk.client.ServiceSource;
import org.celaut.sdk.internal.BeeClientCall;
import org.celaut.sdk.pack.PackResult;
import org.celaut.testkit.TestNodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Services that use services, on a real node, real gRPC and real Docker: instances call their
 * node through a relay inside their own container ({@link RelayServices}), so the node sees each
 * call come from the instance's address on the node network, as it would from a real service.
 *
 * <p>The node allows one level of children, one child per instance, and 112 MiB for all
 * instances (a relay starts with 32 MiB and may grow to 48 MiB).
 */
class ChildServicesEndToEndTest {

  @RegisterExtension static final TestNodes nodes = new TestNodes();

  private static final Duration T = Duration.ofSeconds(60);
  private static final long MIB = 1L << 20;

  @TempDir static Path work;
  private static Node node;
  private static NodeClient client;
  private static ContainerRuntime docker;
  private static PackResult relayA;
  private static PackResult relayB;
  private static PackResult relayC;
  private final List<NodeClient> opened = new ArrayList<>();

  static NodeConfig config(Path data, boolean stopOnShutdown) {
    Map<String, String> flags = new HashMap<>();
    flags.put("data-dir", data.toString());
    flags.put("port", "0");
    flags.put("network-name", TestNode.NETWORK);
    flags.put("stop-instances-on-shutdown", String.valueOf(stopOnShutdown));
    flags.put("default-mem-limit-bytes", "32MiB");
    flags.put("max-total-mem-bytes", "112MiB");
    flags.put("max-child-depth", "1");
    flags.put("max-children-per-instance", "1");
    return NodeConfigLoader.load(Map.of(), Map.of(), flags);
  }

  @BeforeAll
  static void up() throws Exception {
    relayA = RelayServices.pack(work, "relay-a");
    relayB = RelayServices.pack(work, "relay-b");
    relayC = RelayServices.pack(work, "relay-c");
    node = nodes.start(config(work.resolve("node"), true));
    client = NodeClient.connect("127.0.0.1:" + node.port());
    docker = DockerRuntime.connect(DockerRuntimeConfig.defaults("e2e-observer"));
  }

  @AfterAll
  static void down() {
    client.close();
    node.close();
    docker.close();
  }

  @AfterEach
  void stopEverything() throws Exception {
    opened.forEach(NodeClient::close);
    node.instances().stopAll("test over");
    assertThat(docker.listOwned(node.nodeId())).as("containers left behind").isEmpty();
  }

  private ServiceHandle startOutside(PackResult p) throws Exception {
    return client.start(ServiceSource.fromFile(p.output()), RelayServices.towards(node));
  }

  /** A client whose calls reach the node from inside {@code h}'s container. */
  private NodeClient from(ServiceHandle h) throws Exception {
    InetSocketAddress relay = h.address(RelayServices.RELAY_PORT);
    NodeClient c = NodeClient.connect(relay.getHostString() + ":" + relay.getPort());
    opened.add(c);
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
        .until(() -> c.peerInfo() != null);
    return c;
  }

  private static InstanceRecord record(ServiceHandle h) throws Exception {
    return node.instances().running(h.token());
  }

  @Test
  void aServiceStartsAChildThroughItsNodeAndTheChildStopsWithIt() throws Exception {
    ServiceHandle a = startOutside(relayA);
    ServiceHandle b = from(a).start(ServiceSource.fromFile(relayB.output()), RelayServices.towards(node));

    InstanceRecord ra = record(a);
    InstanceRecord rb = record(b);
    assertThat(ra.parentId()).as("started from outside: a root").isEmpty();
    assertThat(ra.depth()).isZero();
    assertThat(rb.parentId()).as("attributed to the instance it called from").contains(ra.id());
    assertThat(rb.depth()).isEqualTo(1);
    assertThat(rb.treeToken()).as("a child joins its parent's tree").isEqualTo(ra.treeToken()).isNotEmpty();
    assertThat(rb.networkIp()).isPresent();
    assertThat(client.listInstances(false)).filteredOn(i -> i.getId().equals(rb.id()))
        .singleElement().satisfies(i -> assertThat(i.getParentId()).isEqualTo(ra.id()));

    // Depth: B is at the deepest level this node allows, so it may start nothing.
    assertThatThrownBy(() -> from(b).start(ServiceSource.fromFile(relayC.output()), RelayServices.towards(node)))
        .isInstanceOf(RequestRejectedException.class)
        .hasMessageContaining("max-child-depth").hasMessageContaining(rb.id());
    // Fan-out: A already holds the one child it may have.
    assertThatThrownBy(() -> from(a).start(ServiceSource.fromFile(relayC.output()), RelayServices.towards(node)))
        .isInstanceOf(ResourcesExhaustedException.class)
        .hasMessageContaining("max-children-per-instance").hasMessageContaining(ra.id());

    assertThat(client.stop(a.token())).isZero();
    assertThat(docker.inspect(rb.containerId().orElseThrow())).as("the child's container went first").isEmpty();
    assertThat(docker.inspect(ra.containerId().orElseThrow())).isEmpty();
    assertThat(client.listInstances(true)).filteredOn(i -> i.getId().equals(rb.id())).singleElement()
        .satisfies(i -> {
          assertThat(i.getState()).isEqualTo("ENDED");
          assertThat(i.getEndReason()).contains("its ancestor " + ra.id() + " was stopped");
        });
    assertThat(node.instances().alive()).isEmpty();
  }

  @Test
  void aServiceThatStartsItselfEndsWithAClearError() throws Exception {
    ServiceHandle a = startOutside(relayA);
    String aLabel = "relay-a/" + relayA.serviceIdHex().substring(0, 12);
    String bLabel = "relay-b/" + relayB.serviceIdHex().substring(0, 12);
    NodeClient fromA = from(a);

    assertThatThrownBy(() -> fromA.start(ServiceSource.byId(relayA.serviceIdHex()), RelayServices.towards(node)))
        .isInstanceOfSatisfying(RequestRejectedException.class, e -> {
          assertThat(e.status().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
          assertThat(e.getMessage()).contains("recursion loop: service " + relayA.serviceIdHex()
              + " would start itself (" + aLabel + " → " + aLabel + ")");
        });

    ServiceHandle b = fromA.start(ServiceSource.fromFile(relayB.output()), RelayServices.towards(node));
    assertThatThrownBy(() -> from(b).start(ServiceSource.byId(relayA.serviceIdHex()), RelayServices.towards(node)))
        .isInstanceOf(RequestRejectedException.class)
        .hasMessageContaining("recursion loop: service " + relayA.serviceIdHex()
            + " would start itself (" + aLabel + " → " + bLabel + " → " + aLabel + ")");
    assertThat(node.instances().alive()).as("nothing was started by the refused calls").hasSize(2);
  }

  @Test
  void aServiceChangesItsOwnResourcesWithinWhatItDeclaresAndTheNodeHas() throws Exception {
    ServiceHandle a = startOutside(relayA);
    InstanceRecord ra = record(a);
    NodeClient fromA = from(a);

    ModifyServiceSystemResourcesOutput out = modify(fromA, 48 * MIB);
    assertThat(out.getSysreq().getMemLimit()).isEqualTo(48 * MIB);
    assertThat(out.getBalance().getN()).isEqualTo("0");
    try (DockerRuntime observer = DockerRuntime.connect(DockerRuntimeConfig.defaults("e2e-observer"))) {
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
          assertThat(observer.stats(ra.containerId().orElseThrow()).memLimitBytes()).isEqualTo(48 * MIB));
    }
    assertThat(record(a).memLimitBytes()).isEqualTo(48 * MIB);

    assertThatThrownBy(() -> modify(fromA, 64 * MIB))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
          assertThat(e.getStatus().getDescription()).contains("mem_limit " + 64 * MIB)
              .contains("resources.at_most.mem_limit " + 48 * MIB);
        });
    assertThatThrownBy(() -> modify(client, 40 * MIB))
        .as("a caller that is no instance of this node")
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
          assertThat(e.getStatus().getDescription())
              .startsWith("only a service running on this node may change its own resources");
        });

    // The budget: 48 (A) + 32 + 32 = 112 MiB fits exactly; one more does not.
    startOutside(relayB);
    startOutside(relayC);
    assertThatThrownBy(() -> startOutside(relayB))
        .isInstanceOf(ResourcesExhaustedException.class)
        .hasMessageContaining("3 live instance(s) hold " + 112 * MIB + " bytes")
        .hasMessageContaining("max-total-mem-bytes");
    // Shrinking frees room for it.
    assertThat(modify(fromA, 16 * MIB).getSysreq().getMemLimit()).isEqualTo(16 * MIB);
    startOutside(relayB);
  }

  private static ModifyServiceSystemResourcesOutput modify(NodeClient via, long memBytes) throws Exception {
    try (BeeClientCall call = via.open("ModifyServiceSystemResources", T)) {
      call.send(1, ModifyServiceSystemResourcesInput.newBuilder()
          .setMinSysreq(Sysresources.newBuilder().setMemLimit(memBytes / 2))
          .setMaxSysreq(Sysresources.newBuilder().setMemLimit(memBytes))
          .build());
      call.halfClose();
      return call.await(1, ModifyServiceSystemResourcesOutput.class, T);
    }
  }

  @Test
  void childrenWhoseParentVanishedWhileTheNodeWasDownAreStoppedWhenItStarts() throws Exception {
    Path data = work.resolve("restart-node");
    String nodeId = null;
    try {
      String parentContainer;
      String childContainer;
      String parentId;
      String childId;
      try (Node n = nodes.start(config(data, false));
          NodeClient c = NodeClient.connect("127.0.0.1:" + n.port())) {
        nodeId = n.nodeId();
        ServiceHandle a = c.start(ServiceSource.fromFile(relayA.output()), RelayServices.towards(n));
        InetSocketAddress relay = a.address(RelayServices.RELAY_PORT);
        try (NodeClient fromA = NodeClient.connect(relay.getHostString() + ":" + relay.getPort())) {
          await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> fromA.peerInfo() != null);
          ServiceHandle b = fromA.start(ServiceSource.fromFile(relayB.output()), RelayServices.towards(n));
          InstanceRecord ra = n.instances().running(a.token());
          InstanceRecord rb = n.instances().running(b.token());
          assertThat(rb.parentId()).contains(ra.id());
          parentContainer = ra.containerId().orElseThrow();
          childContainer = rb.containerId().orElseThrow();
          parentId = ra.id();
          childId = rb.id();
        }
      }
      assertThat(docker.inspect(childContainer)).as("both outlive a node that keeps them").isPresent();
      docker.remove(parentContainer);
      try (Node n = nodes.start(config(data, true));
          NodeClient c = NodeClient.connect("127.0.0.1:" + n.port())) {
        assertThat(docker.inspect(childContainer)).as("the orphan is stopped at start").isEmpty();
        assertThat(n.instances().alive()).isEmpty();
        assertThat(c.listInstances(true)).filteredOn(i -> i.getId().equals(childId)).singleElement()
            .satisfies(i -> assertThat(i.getEndReason()).contains("its parent " + parentId + " had ended"));
      }
    } finally {
      // This node keeps its instances when it stops: whatever a failure left behind goes here.
      if (nodeId != null) {
        for (var owned : docker.listOwned(nodeId)) {
          docker.remove(owned.containerId());
        }
      }
    }
  }
}
