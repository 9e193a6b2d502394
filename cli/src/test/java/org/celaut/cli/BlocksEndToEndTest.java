package org.celaut.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.celaut.node.Node;
import org.celaut.node.config.NodeConfig;
import org.celaut.proto.buffer.Buffer;
import org.celaut.protocol.Hashes;
import org.celaut.sdk.client.NodeClient;
import org.celaut.sdk.client.ServiceHandle;
import org.celaut.sdk.client.ServiceSource;
import org.celaut.sdk.client.StartOptions;
import org.celaut.sdk.pack.PackOptions;
import org.celaut.sdk.pack.PackResult;
import org.celaut.sdk.pack.ServicePacker;
import org.celaut.testkit.HelloHttp;
import org.celaut.testkit.TestNodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Services with blocks against a real in-process node on real Docker: they start, the node keeps
 * each block once, and a second service sharing a big file does not upload that file's bytes
 * again (the node asks to skip the blocks it holds, the client stops their bodies).
 */
class BlocksEndToEndTest {

  @RegisterExtension static final TestNodes nodes = new TestNodes();

  /**
   * Big enough that what is in flight when the skip arrives (about one bandwidth-delay product:
   * a few MiB on loopback, where socket buffers are large) is a small part of it.
   */
  private static final int SHARED_BYTES = 48 << 20;
  private static final long THRESHOLD = 64 << 10;

  @TempDir Path work;
  private final ObjectMapper json = new ObjectMapper();

  private Path example(String name, byte[] shared, String extra) throws Exception {
    Path copy = HelloHttp.copy(HelloHttp.checkout(), work, name);
    Files.createDirectories(copy.resolve("rootfs/data"));
    Files.write(copy.resolve("rootfs/data/shared.bin"), shared);
    Files.writeString(copy.resolve("rootfs/data/extra.txt"), extra);
    return copy;
  }

  /** Counts the chunk bytes a client sends. */
  private static final class Counting implements ClientInterceptor {
    final AtomicLong chunkBytes = new AtomicLong();

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
      return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
        @Override
        public void sendMessage(Q message) {
          if (message instanceof Buffer b) {
            chunkBytes.addAndGet(b.getChunk().size());
          }
          super.sendMessage(message);
        }
      };
    }
  }

  private static Set<String> blockFiles(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).filter(Hashes::isSha3Hex).collect(Collectors.toSet());
    }
  }

  @Test
  void aSecondServiceSharingABlockStartsWithoutResendingIt() throws Exception {
    byte[] shared = new byte[SHARED_BYTES];
    new Random(11).nextBytes(shared);
    String sharedId = Hashes.toHex(Hashes.sha3(shared));
    String busyboxId = Hashes.toHex(Hashes.sha3(Files.readAllBytes(Path.of("/bin/busybox"))));
    ServicePacker packer = new ServicePacker(PackOptions.builder().blockThresholdBytes(THRESHOLD).build());
    PackResult a = packer.pack(example("a", shared, "a"));
    PackResult b = packer.pack(example("b", shared, "b"));
    assertThat(a.format()).isEqualTo(PackResult.Format.BEE);
    assertThat(a.blockIds()).contains(sharedId, busyboxId);
    assertThat(b.blockIds()).contains(sharedId, busyboxId);
    assertThat(b.blockIds().get(0)).as("filesystems differ").isNotEqualTo(a.blockIds().get(0));

    NodeConfig cfg = NodeConfig.defaults().withDataDir(work.resolve("node")).withPort(0)
        .withNetworkName("celaut-e2e-blocks").withStopInstancesOnShutdown(true);
    Counting counting = new Counting();
    try (Node node = nodes.start(cfg)) {
      ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", node.port()).usePlaintext()
          .intercept(counting).build();
      try (NodeClient client = NodeClient.using(ch)) {
        ServiceHandle first = client.start(ServiceSource.fromFile(a.output()), StartOptions.defaults());
        long firstBytes = counting.chunkBytes.getAndSet(0);
        assertThat(first.serviceIdHex()).isEqualTo(a.serviceIdHex());
        assertThat(firstBytes).isGreaterThan(SHARED_BYTES);

        ServiceHandle second = client.start(ServiceSource.fromFile(b.output()), StartOptions.defaults());
        long secondBytes = counting.chunkBytes.getAndSet(0);
        assertThat(second.serviceIdHex()).isEqualTo(b.serviceIdHex());
        System.out.printf("blocks e2e: first upload %d chunk bytes, second %d%n", firstBytes, secondBytes);
        assertThat(secondBytes).as("most of the shared block was skipped").isLessThan(SHARED_BYTES / 2);

        Set<String> expected = new HashSet<>(a.blockIds());
        expected.addAll(b.blockIds());
        assertThat(blockFiles(work.resolve("node/blocks"))).isEqualTo(expected);
        assertThat(node.registry().contains(a.serviceIdHex())).isTrue();
        assertThat(node.registry().contains(b.serviceIdHex())).isTrue();

        client.stop(first.token());
        client.stop(second.token());
      } finally {
        ch.shutdownNow();
      }
    }
  }

  private static CliTest.Result celaut(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new CliTest.Result(code, out.toString(), err.toString());
  }

  @Test
  void packToABeeFileAndStartItFromTheCommandLine() throws Exception {
    byte[] shared = new byte[200_000];
    new Random(12).nextBytes(shared);
    Path dir = example("c", shared, "c");
    Path bee = work.resolve("out/c.bee");

    CliTest.Result packed = celaut("pack", dir.toString(), "--bee", bee.toString(),
        "--block-threshold-bytes", String.valueOf(THRESHOLD), "--json");
    assertThat(packed.code()).as(packed.err()).isZero();
    JsonNode doc = json.readTree(packed.out());
    assertThat(doc.get("format").asText()).isEqualTo("bee");
    assertThat(doc.get("file").asText()).isEqualTo(bee.toString());
    assertThat(doc.get("blocks")).hasSize(3);
    CliTest.Result plain = celaut("pack", dir.toString(), "-o", work.resolve("out/c.service").toString(), "--json");
    assertThat(json.readTree(plain.out()).get("id").asText()).isEqualTo(doc.get("id").asText());
    assertThat(json.readTree(plain.out()).get("format").asText()).isEqualTo("service");

    NodeConfig cfg = NodeConfig.defaults().withDataDir(work.resolve("node")).withPort(0)
        .withNetworkName("celaut-e2e-blocks").withStopInstancesOnShutdown(true);
    try (Node node = nodes.start(cfg)) {
      String at = "127.0.0.1:" + node.port();
      CliTest.Result started = celaut("start", bee.toString(), "--node", at, "--json");
      assertThat(started.code()).as(started.err()).isZero();
      JsonNode s = json.readTree(started.out());
      assertThat(s.get("service").asText()).isEqualTo(doc.get("id").asText());
      assertThat(celaut("services", "--node", at).out()).contains("hello-http");
      assertThat(celaut("stop", s.get("token").asText(), "--node", at).code()).isZero();
    }
  }

  @Test
  void badUsageOfTheBeeOptionExitsWith2() throws Exception {
    Path dir = work.resolve("x");
    assertThat(celaut("pack", dir.toString(), "--bee", "out.service").code()).isEqualTo(2);
    assertThat(celaut("pack", dir.toString(), "--bee", "a.bee", "-o", "b.service").code()).isEqualTo(2);
    assertThat(celaut("pack", dir.toString(), "--block-threshold-bytes", "0").code()).isEqualTo(2);
  }
}
