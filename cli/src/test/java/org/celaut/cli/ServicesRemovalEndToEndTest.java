package org.celaut.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.celaut.node.Node;
import org.celaut.node.config.NodeConfig;
import org.celaut.node.runtime.OwnedImage;
import org.celaut.node.runtime.docker.DockerRuntime;
import org.celaut.node.runtime.docker.DockerRuntimeConfig;
import org.celaut.protocol.Hashes;
import org.celaut.sdk.client.NodeClient;
import org.celaut.sdk.internal.BeeClientCall;
import org.celaut.sdk.pack.PackOptions;
import org.celaut.sdk.pack.PackResult;
import org.celaut.sdk.pack.ServicePacker;
import org.celaut.testkit.HelloHttp;
import org.celaut.testkit.TestNodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code celaut services rm} and the disk budget against a real node on real Docker: a service in
 * use is never removed, an idle one goes with its image and the blocks no other service uses, and
 * a node over its budget drops its least recently used idle service — in the order of uses made
 * before a restart.
 */
class ServicesRemovalEndToEndTest {

  @RegisterExtension static final TestNodes nodes = new TestNodes();

  @TempDir Path work;
  private final ObjectMapper json = new ObjectMapper();

  private static CliTest.Result celaut(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new CliTest.Result(code, out.toString(), err.toString());
  }

  /** A copy of examples/hello-http with a file of its own, so each copy is another service. */
  private Path example(String name, byte[] extra) throws Exception {
    Path copy = HelloHttp.copy(HelloHttp.checkout(), work, name);
    Files.write(copy.resolve("rootfs/extra.bin"), extra);
    return copy;
  }

  private NodeConfig config(Path data, long budgetBytes) {
    return NodeConfig.defaults().toBuilder().dataDir(data).port(0).networkName("celaut-e2e")
        .stopInstancesOnShutdown(true).diskBudgetBytes(budgetBytes).build();
  }

  private static Set<String> imagesOf(String nodeId) throws Exception {
    try (DockerRuntime docker = DockerRuntime.connect(DockerRuntimeConfig.defaults(nodeId))) {
      return docker.listImages().stream().map(OwnedImage::serviceIdHex).collect(Collectors.toSet());
    }
  }

  private static Set<String> blockFiles(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).filter(Hashes::isSha3Hex).collect(Collectors.toSet());
    }
  }

  private String start(String at, Path file) throws Exception {
    CliTest.Result r = celaut("start", file.toString(), "--node", at, "--json");
    assertThat(r.code()).as(r.err()).isZero();
    return json.readTree(r.out()).get("token").asText();
  }

  private JsonNode service(String at, String id) throws Exception {
    for (JsonNode s : json.readTree(celaut("services", "--node", at, "--json").out())) {
      if (s.get("id").asText().equals(id)) {
        return s;
      }
    }
    return null;
  }

  @Test
  void rmRefusesAServiceInUseThenRemovesItWithItsImageAndOnlyItsOwnBlocks() throws Exception {
    byte[] shared = new byte[200_000];
    new Random(5).nextBytes(shared);
    ServicePacker packer = new ServicePacker(PackOptions.builder().blockThresholdBytes(64 << 10).build());
    byte[] other = shared.clone();
    other[0] ^= 1;
    // Both hold busybox as a block nested in their filesystem block; their extra files differ.
    PackResult a = packer.pack(example("a", shared), work.resolve("a.bee"));
    PackResult b = packer.pack(example("b", other), work.resolve("b.bee"));

    try (Node node = nodes.start(config(work.resolve("node"), 0))) {
      String at = "127.0.0.1:" + node.port();
      Path blocksDir = work.resolve("node/blocks");
      String tokenA = start(at, a.output());
      celaut("stop", start(at, b.output()), "--node", at);
      Set<String> blocksBefore = blockFiles(blocksDir);
      assertThat(blocksBefore).containsAll(a.blockIds()).containsAll(b.blockIds());

      JsonNode listed = service(at, a.serviceIdHex());
      assertThat(listed.get("live_instances").asInt()).isEqualTo(1);
      assertThat(listed.get("disk_bytes").asLong()).isGreaterThan(listed.get("size_bytes").asLong());
      assertThat(listed.get("last_used").asText()).endsWith("Z");
      assertThat(celaut("services", "--node", at).out()).contains("LAST USED").contains("MiB");

      CliTest.Result refused = celaut("services", "rm", a.serviceIdHex(), "--node", at);
      assertThat(refused.code()).isEqualTo(1);
      assertThat(refused.err()).contains("used by 1 live instance(s)").contains("celaut stop");
      assertThat(node.registry().contains(a.serviceIdHex())).isTrue();
      assertThat(imagesOf(node.nodeId())).contains(a.serviceIdHex());

      assertThat(celaut("stop", tokenA, "--node", at).code()).isZero();
      CliTest.Result removed = celaut("services", "rm", a.serviceIdHex(), "--node", at);
      assertThat(removed.code()).as(removed.err()).isZero();
      assertThat(removed.out()).startsWith("removed " + a.serviceIdHex() + " (hello-http): freed ").contains("1 image(s)");
      assertThat(node.registry().contains(a.serviceIdHex())).isFalse();
      assertThat(node.registry().contains(b.serviceIdHex())).isTrue();
      assertThat(imagesOf(node.nodeId())).containsExactly(b.serviceIdHex());
      // a's filesystem block was its own; the nested ones (busybox, its extra file) are copies
      // kept for skipping, and b's blocks are b's.
      Set<String> blocksAfter = blockFiles(blocksDir);
      assertThat(blocksAfter).containsAll(b.blockIds()).doesNotContain(a.blockIds().get(0));

      CliTest.Result again = celaut("services", "rm", a.serviceIdHex(), "--node", at);
      assertThat(again.code()).isEqualTo(1);
      assertThat(again.err()).contains("is not on this node");
      CliTest.Result bad = celaut("services", "rm", "hello-http", "--node", at);
      assertThat(bad.code()).isEqualTo(2);
      assertThat(bad.err()).contains("not a service id");
    }
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    assertThat(celaut("services", "rm", b.serviceIdHex(), "--node", "127.0.0.1:" + closed).code()).isEqualTo(3);
  }

  @Test
  void aNodeOverItsBudgetDropsTheLeastRecentlyUsedIdleServiceEvenAcrossARestart() throws Exception {
    ServicePacker packer = new ServicePacker();
    PackResult a = packer.pack(example("a", "a".getBytes()), work.resolve("a.service"));
    PackResult b = packer.pack(example("b", "b".getBytes()), work.resolve("b.service"));
    PackResult c = packer.pack(example("c", "c".getBytes()), work.resolve("c.service"));
    Path data = work.resolve("node");
    long diskA;
    long diskB;
    try (Node node = nodes.start(config(data, 0))) {
      String at = "127.0.0.1:" + node.port();
      celaut("stop", start(at, a.output()), "--node", at);
      celaut("stop", start(at, b.output()), "--node", at);
      diskA = service(at, a.serviceIdHex()).get("disk_bytes").asLong();
      diskB = service(at, b.serviceIdHex()).get("disk_bytes").asLong();
    }
    // a and b fit; a third of the same size does not, and dropping a makes room again.
    long budget = diskA + diskB + diskA / 2;
    try (Node node = nodes.start(config(data, budget))) {
      String at = "127.0.0.1:" + node.port();
      assertThat(node.registry().contains(a.serviceIdHex())).isTrue();
      String tokenC = start(at, c.output());
      await().atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(node.registry().contains(a.serviceIdHex())).isFalse());
      assertThat(node.registry().contains(b.serviceIdHex())).as("used after a, before the restart").isTrue();
      assertThat(node.registry().contains(c.serviceIdHex())).as("running").isTrue();
      assertThat(imagesOf(node.nodeId())).containsExactlyInAnyOrder(b.serviceIdHex(), c.serviceIdHex());
      assertThat(celaut("stop", tokenC, "--node", at).code()).isZero();
    }
  }

  @Test
  void aServiceAStartInFlightHasNamedIsNotCollectedEvenOverBudget() throws Exception {
    PackResult s = new ServicePacker().pack(example("s", "s".getBytes()), work.resolve("s.service"));
    try (Node node = nodes.start(config(work.resolve("node"), 1));
        NodeClient waiting = NodeClient.connect("127.0.0.1:" + node.port());
        BeeClientCall call = waiting.open("StartService", Duration.ofSeconds(60))) {
      String at = "127.0.0.1:" + node.port();
      // A start names the service (index 4) while the node does not hold it yet, and waits to
      // send its body: the call pins the service from the moment it is named.
      call.send(4, Hashes.sha3Hash(s.serviceId().toByteArray()));
      await().atMost(Duration.ofSeconds(10)).until(() -> node.storage().pinnedByCalls().contains(s.serviceIdHex()));

      // Meanwhile another client uploads, starts and stops it: idle, and far over a 1-byte budget.
      celaut("stop", start(at, s.output()), "--node", at);
      node.storage().collect();
      assertThat(node.registry().contains(s.serviceIdHex())).as("pinned by the waiting start").isTrue();
      assertThat(imagesOf(node.nodeId())).contains(s.serviceIdHex());
      CliTest.Result refused = celaut("services", "rm", s.serviceIdHex(), "--node", at);
      assertThat(refused.code()).isEqualTo(1);
      assertThat(refused.err()).contains("being started right now");

      call.cancel("the test is done with it");
      await().atMost(Duration.ofSeconds(10)).until(() -> node.storage().pinnedByCalls().isEmpty());
      node.storage().collect();
      assertThat(node.registry().contains(s.serviceIdHex())).isFalse();
      assertThat(imagesOf(node.nodeId())).doesNotContain(s.serviceIdHex());
    }
  }
}
