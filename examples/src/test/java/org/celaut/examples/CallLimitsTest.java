package org.celaut.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.celaut.node.Node;
import org.celaut.proto.buffer.Buffer;
import org.celaut.proto.celaut.Peer;
import org.celaut.proto.celaut.ServiceInstance;
import org.celaut.sdk.client.NodeClient;
import org.celaut.sdk.client.ResourcesExhaustedException;
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

/**
 * Concurrency is bounded per caller and per node: a caller that holds its maximum of stalled
 * streams gets RESOURCE_EXHAUSTED for more, takes no more threads or spool files, and does not
 * stop anyone else; stalled streams end after the input timeout and free their places.
 *
 * <p>Callers are told apart by source address: the stalling ones connect from 127.0.0.2 and
 * 127.0.0.3 (all of 127/8 is this machine), the well-behaved one through the SDK from 127.0.0.1.
 */
class CallLimitsTest {

  private static final int MAX_CALLS = 12;
  private static final int MAX_PER_CALLER = 8;
  private static final Duration INPUT_TIMEOUT = Duration.ofSeconds(4);
  private static final Duration T = Duration.ofSeconds(60);

  @RegisterExtension static final TestNodes nodes = new TestNodes();
  @TempDir Path work;
  private Node node;
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<NodeClient> clients = new ArrayList<>();
  private final List<BeeClientCall> stalled = new ArrayList<>();

  @BeforeEach
  void up() throws Exception {
    node = nodes.start(TestNode.config(work.resolve("node")).toBuilder()
        .maxConcurrentCalls(MAX_CALLS)
        .maxCallsPerCaller(MAX_PER_CALLER)
        .inputTimeout(INPUT_TIMEOUT)
        .build());
  }

  @AfterEach
  void down() throws Exception {
    stalled.forEach(BeeClientCall::close);
    clients.forEach(NodeClient::close);
    for (ManagedChannel c : channels) {
      c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    node.close();
  }

  /** A client whose calls come from {@code localIp}. */
  private NodeClient clientFrom(String localIp) throws Exception {
    ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", node.port())
        .localSocketPicker(new NettyChannelBuilder.LocalSocketPicker() {
          @Override
          public java.net.SocketAddress createSocketAddress(java.net.SocketAddress remote,
              io.grpc.Attributes attrs) {
            return new InetSocketAddress(localIp, 0);
          }
        })
        .usePlaintext()
        .build();
    channels.add(ch);
    NodeClient client = NodeClient.using(ch);
    clients.add(client);
    return client;
  }

  /** A StartService that sends the start of a service body, then nothing. */
  private BeeClientCall stall(NodeClient from) throws Exception {
    BeeClientCall call = from.open("StartService", T);
    stalled.add(call);
    try {
      NodeClient.sendRaw(call, List.of(
          Buffer.newBuilder().setHead(Buffer.Head.newBuilder().setIndex(6)).build(),
          Buffer.newBuilder().setChunk(ByteString.copyFrom(new byte[64 << 10])).build()));
    } catch (StatusRuntimeException refusedWhileSending) {
      // The node answered before we were done: statusOf(call) reads that answer.
    }
    return call;
  }

  private static Status statusOf(BeeClientCall call) throws Exception {
    try {
      ServiceInstance si = call.await(1, ServiceInstance.class, T);
      throw new AssertionError("a stalled call was answered " + si);
    } catch (StatusRuntimeException e) {
      return e.getStatus();
    }
  }

  private long spoolEntries() throws Exception {
    try (Stream<Path> s = Files.list(work.resolve("node/spool"))) {
      return s.count();
    }
  }

  private static long nodeThreads(String prefix) {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix)).count();
  }

  @Test
  void aCallerHoldingItsMaximumOfStalledStreamsIsRefusedMoreAndOthersAreStillServed() throws Exception {
    NodeClient staller = clientFrom("127.0.0.2");
    for (int i = 0; i < MAX_PER_CALLER; i++) {
      stall(staller);
    }
    // Each admitted stalled call has begun spooling its body: then all of them hold their place.
    await().atMost(Duration.ofSeconds(10)).until(() -> spoolEntries() == MAX_PER_CALLER);

    List<BeeClientCall> flood = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      flood.add(stall(staller));
    }
    for (BeeClientCall extra : flood) {
      Status s = statusOf(extra);
      assertThat(s.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      assertThat(s.getDescription()).isEqualTo("StartService refused: you (127.0.0.2) have 8 calls in progress"
          + " on this node, its limit per caller (max-calls-per-caller); wait for one to finish, then retry");
    }
    assertThat(spoolEntries()).as("spool files of refused calls").isEqualTo(MAX_PER_CALLER);
    assertThat(nodeThreads("gateway-call-")).as("handler threads").isLessThanOrEqualTo(MAX_CALLS);
    assertThat(nodeThreads("gateway-transport-")).as("transport threads").isLessThanOrEqualTo(16);

    // Anyone else is served meanwhile: a start (upload, image, container), its metrics, a stop.
    PackResult hello = TestNode.packHelloHttp(work);
    try (NodeClient other = NodeClient.connect("127.0.0.1:" + node.port())) {
      ServiceHandle h = other.start(ServiceSource.fromFile(hello.output()), StartOptions.defaults());
      assertThat(other.metrics(h.token()).getBalance().getN()).isEqualTo("0");
      other.stop(h.token());
      assertThat(other.listInstances(false)).isEmpty();
    }

    // After the input timeout the stalled calls end, their spools go, and the caller may call again.
    for (BeeClientCall held : new ArrayList<>(stalled.subList(0, MAX_PER_CALLER))) {
      Status s = statusOf(held);
      assertThat(s.getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
      assertThat(s.getDescription()).contains("sent nothing for 4 s").contains("input-timeout-seconds");
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> spoolEntries() == 0);
    Peer self = staller.peerInfo();
    assertThat(self.getUri(0).getPort()).isEqualTo(node.port());
  }

  @Test
  void theNodeAsAWholeRefusesCallsBeyondItsLimitTheAdminApiToo() throws Exception {
    NodeClient a = clientFrom("127.0.0.2");
    NodeClient c = clientFrom("127.0.0.3");
    for (int i = 0; i < MAX_PER_CALLER; i++) {
      stall(a);
    }
    for (int i = 0; i < MAX_CALLS - MAX_PER_CALLER; i++) {
      stall(c);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> spoolEntries() == MAX_CALLS);
    try (NodeClient b = NodeClient.connect("127.0.0.1:" + node.port())) {
      assertThatThrownBy(b::peerInfo)
          .isInstanceOf(ResourcesExhaustedException.class)
          .hasMessageContaining("this node is handling 12 calls, its limit (max-concurrent-calls); retry later");
      assertThatThrownBy(() -> b.listInstances(false))
          .isInstanceOf(ResourcesExhaustedException.class)
          .hasMessageContaining("ListInstances refused: this node is handling 12 calls");

      await().atMost(INPUT_TIMEOUT.plusSeconds(10)).until(() -> spoolEntries() == 0);
      await().atMost(Duration.ofSeconds(5)).ignoreExceptions()
          .untilAsserted(() -> assertThat(b.peerInfo().getUri(0).getPort()).isEqualTo(node.port()));
      assertThat(b.listInstances(false)).isEmpty();
    }
  }
}
