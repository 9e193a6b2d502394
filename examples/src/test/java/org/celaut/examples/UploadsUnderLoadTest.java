package org.celaut.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.celaut.node.Node;
import org.celaut.proto.buffer.Buffer;
import org.celaut.proto.celaut.Configuration;
import org.celaut.proto.celaut.Service;
import org.celaut.proto.celaut.ServiceInstance;
import org.celaut.protocol.Hashes;
import org.celaut.protocol.bee.BeeEncoder;
import org.celaut.sdk.client.NodeClient;
import org.celaut.sdk.client.ServiceHandle;
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

/** Uploads found wrong under load: racing first uploads, and bodies sent for a service already held. */
class UploadsUnderLoadTest {

  private static final Duration T = Duration.ofSeconds(60);

  @RegisterExtension static final TestNodes nodes = new TestNodes();
  @TempDir Path work;
  private Node node;
  private PackResult helloHttp;

  @BeforeEach
  void up() throws Exception {
    node = nodes.start(TestNode.config(work.resolve("node")));
    helloHttp = TestNode.packHelloHttp(work);
  }

  @AfterEach
  void down() {
    node.close();
  }

  private NodeClient client() throws Exception {
    return NodeClient.connect("127.0.0.1:" + node.port());
  }

  /**
   * Three clients starting the same service the node has never seen: each uploads it, the node
   * stores it once, every start succeeds (two of three used to fail with INTERNAL "Directory not
   * empty").
   */
  @Test
  void threeClientsUploadingTheSameNewServiceAtOnceAllStartIt() throws Exception {
    List<NodeClient> clients = List.of(client(), client(), client());
    try {
      List<CompletableFuture<ServiceHandle>> starts = new ArrayList<>();
      for (NodeClient c : clients) {
        starts.add(c.startAsync(ServiceSource.fromFile(helloHttp.output()), StartOptions.defaults()));
      }
      for (int i = 0; i < starts.size(); i++) {
        ServiceHandle h = starts.get(i).get(T.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        clients.get(i).stop(h.token());
      }
      assertThat(clients.get(0).listServices()).extracting(s -> s.getId())
          .containsExactly(helloHttp.serviceIdHex());
      try (Stream<Path> stored = Files.list(work.resolve("node/services"))) {
        assertThat(stored.map(p -> p.getFileName().toString()))
            .as("stored once, no temporary copy left").containsExactly(helloHttp.serviceIdHex());
      }
      assertSpoolEmpty();
    } finally {
      clients.forEach(NodeClient::close);
    }
  }

  /**
   * A client that sends the body of a service the node already holds (it did not wait for the
   * node's "have it" signal, as the SDK does not when the node answers late under load): the
   * node starts the instance and keeps no copy of the body. Each such start used to leave the
   * whole body in the spool until the node restarted.
   */
  @Test
  void startsThatSendABodyTheNodeAlreadyHoldsLeaveNothingInTheSpool() throws Exception {
    try (NodeClient c = client()) {
      ServiceHandle first = c.start(ServiceSource.fromFile(helloHttp.output()), StartOptions.defaults());
      c.stop(first.token());
      Service body = Service.parseFrom(Files.readAllBytes(helloHttp.output()));
      List<Buffer> frames = new ArrayList<>();
      frames.addAll(BeeEncoder.message(3, Configuration.getDefaultInstance()));
      frames.addAll(BeeEncoder.message(4, Hashes.sha3Hash(Hashes.sha3(body.toByteArray()))));
      frames.addAll(BeeEncoder.message(6, body));
      for (int i = 0; i < 5; i++) {
        try (BeeClientCall call = c.open("StartService", T)) {
          NodeClient.sendRaw(call, frames);
          call.halfClose();
          ServiceInstance si = call.await(1, ServiceInstance.class, T);
          c.stop(si.getToken());
        }
      }
      assertSpoolEmpty();
    }
  }

  private void assertSpoolEmpty() {
    // The node deletes what it did not take when it completes the call, just after its answer.
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      try (Stream<Path> spool = Files.list(work.resolve("node/spool"))) {
        assertThat(spool).as("copies of service bodies left in the spool").isEmpty();
      }
    });
  }
}
