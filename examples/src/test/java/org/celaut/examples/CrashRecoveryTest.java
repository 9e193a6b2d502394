package org.celaut.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.celaut.node.runtime.ContainerRuntime;
import org.celaut.node.runtime.docker.DockerRuntime;
import org.celaut.node.runtime.docker.DockerRuntimeConfig;
import org.celaut.proto.admin.InstanceInfo;
import org.celaut.proto.buffer.Buffer;
import org.celaut.protocol.Hashes;
import org.celaut.sdk.client.NodeClient;
import org.celaut.sdk.client.ServiceSource;
import org.celaut.sdk.client.StartOptions;
import org.celaut.sdk.internal.BeeClientCall;
import org.celaut.sdk.pack.PackResult;
import org.celaut.testkit.TestNodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node process killed with SIGKILL, then started again on the same data directory: what was
 * half-written is gone, and instances it finds dead say what happened to them.
 */
class CrashRecoveryTest {

  @RegisterExtension static final TestNodes testNodes = new TestNodes();
  @TempDir Path work;
  private ContainerRuntime docker;
  private final List<NodeProcess> nodes = new ArrayList<>();

  @BeforeEach
  void up() throws Exception {
    docker = DockerRuntime.connect(DockerRuntimeConfig.defaults("e2e-observer"));
  }

  @AfterEach
  void down() throws Exception {
    for (NodeProcess n : nodes) {
      n.close();
    }
    docker.close();
  }

  private NodeProcess startNode() throws Exception {
    NodeProcess n = NodeProcess.start(work.resolve("node"), work.resolve("node.log"),
        "stop-instances-on-shutdown=true");
    nodes.add(n);
    testNodes.track(n.nodeId());
    return n;
  }

  private List<String> names(String dir, String glob) throws Exception {
    Path d = work.resolve("node").resolve(dir);
    if (!Files.isDirectory(d)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(d)) {
      return s.map(p -> p.getFileName().toString())
          .filter(n -> d.getFileSystem().getPathMatcher("glob:" + glob).matches(Path.of(n)))
          .toList();
    }
  }

  @Test
  void anUploadCutByKill9LeavesNothingHalfWrittenOnceTheNodeIsBack() throws Exception {
    NodeProcess first = startNode();
    byte[] blockId = new byte[32];
    new SecureRandom().nextBytes(blockId);
    Buffer marker = Buffer.newBuilder().setBlock(Buffer.Block.newBuilder()
        .addHashes(Buffer.Block.Hash.newBuilder().setType(Hashes.SHA3_256_TYPE).setValue(ByteString.copyFrom(blockId))))
        .build();
    try (NodeClient client = NodeClient.connect(first.address());
        BeeClientCall upload = client.open("StartService", Duration.ofSeconds(60))) {
      NodeClient.sendRaw(upload, List.of(
          Buffer.newBuilder().setHead(Buffer.Head.newBuilder().setIndex(6)).build(),
          Buffer.newBuilder().setChunk(ByteString.copyFromUtf8("the start of a service")).build(),
          marker,
          Buffer.newBuilder().setChunk(ByteString.copyFrom(new byte[1 << 20])).build()));
      // The block's body is being written: that is the moment to cut.
      await().atMost(Duration.ofSeconds(20)).until(() -> !names("blocks", ".pending-*").isEmpty());
      first.kill9();
    }
    assertThat(names("blocks", ".pending-*")).as("what the kill left").isNotEmpty();

    NodeProcess second = startNode();
    assertThat(names("blocks", ".pending-*")).as("unfinished blocks after the restart").isEmpty();
    assertThat(names("blocks", "*")).as("no block was stored from a cut upload").isEmpty();
    assertThat(names("spool", "*")).as("spool after the restart").isEmpty();
    assertThat(names("services", ".*")).as("temporary service directories after the restart").isEmpty();
    assertThat(second.output()).contains("removed unfinished blocks count=1");
  }

  @Test
  void instancesFoundDeadWhenTheNodeComesBackSayWhatHappenedToThem() throws Exception {
    PackResult hello = TestNode.packHelloHttp(work);
    NodeProcess first = startNode();
    String exitedId;
    String vanishedId;
    String adoptedId;
    Map<String, InstanceInfo> before;
    try (NodeClient client = NodeClient.connect(first.address())) {
      client.start(ServiceSource.fromFile(hello.output()), StartOptions.defaults());
      client.start(ServiceSource.byId(hello.serviceIdHex()), StartOptions.defaults());
      client.start(ServiceSource.byId(hello.serviceIdHex()), StartOptions.defaults());
      List<InstanceInfo> running = client.listInstances(false);
      assertThat(running).hasSize(3);
      before = running.stream().collect(Collectors.toMap(InstanceInfo::getId, Function.identity()));
      exitedId = running.get(0).getId();
      vanishedId = running.get(1).getId();
      adoptedId = running.get(2).getId();
    }
    first.kill9();
    // While the node is down: one container is killed (exit code 137), one removed by hand.
    dockerCli("kill", before.get(exitedId).getContainerId());
    dockerCli("rm", "-f", before.get(vanishedId).getContainerId());

    NodeProcess second = startNode();
    try (NodeClient client = NodeClient.connect(second.address())) {
      Map<String, InstanceInfo> after = client.listInstances(true).stream()
          .collect(Collectors.toMap(InstanceInfo::getId, Function.identity()));
      assertThat(after.get(exitedId).getState()).isEqualTo("ENDED");
      assertThat(after.get(exitedId).getEndReason()).isEqualTo(
          "its container had exited (exit code 137) by the time the node started again; the container was removed");
      assertThat(after.get(vanishedId).getState()).isEqualTo("ENDED");
      assertThat(after.get(vanishedId).getEndReason()).isEqualTo("its container "
          + before.get(vanishedId).getContainerId().substring(0, 12) + " no longer existed when the node started"
          + " again (removed outside the node, or the node stopped in the middle of stopping it)");
      assertThat(after.get(adoptedId).getState()).as("a container that still runs is adopted").isEqualTo("RUNNING");
      assertThat(docker.listOwned(second.nodeId())).extracting(o -> o.instanceId())
          .as("only the adopted instance's container is left").containsExactly(adoptedId);
    }
    second.close();
    assertThat(docker.listOwned(second.nodeId())).as("containers after the node stopped them").isEmpty();
  }

  private static void dockerCli(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("docker"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
    }
  }
}
